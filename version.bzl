# The release of securestreams, in one place: every tool's --version
# (tools/BUILD, :version_stamp_cc), libsecurestreams.so.VERSION, the
# pkg-config and CMake package versions (packaging/BUILD).
VERSION = "0.1.0"

# The ABI major: the SONAME is libsecurestreams.so.SOVERSION.
SOVERSION = "0"
