"""Rules that turn the runtime's cc_library graph into installable files
(docs/install.md): one static archive holding every object, and the public
header closure."""

def _owned(file):
    # First-party files only: system libraries are link options
    # (third_party/BUILD), external repositories are not ours to ship.
    return file.owner != None and file.owner.workspace_name == "" and \
        not file.owner.package.startswith("third_party")

def _objects(deps):
    """The first-party objects of deps' transitive closure, in link order."""
    objects = []
    seen = {}
    for dep in deps:
        for linker_input in dep[CcInfo].linking_context.linker_inputs.to_list():
            for lib in linker_input.libraries:
                # PIC objects: the archive may end up in a PIE executable or
                # in the user's own shared library.
                objs = lib.pic_objects or lib.objects
                for o in objs:
                    if _owned(o) and o.path not in seen:
                        seen[o.path] = True
                        objects.append(o)
    return objects

def _static_archive_impl(ctx):
    # `exclude`: objects another file already holds (the TLS plugin takes
    # the runtime's own code from libsecurestreams.so, not a second copy).
    excluded = {o.path: True for o in _objects(ctx.attr.exclude)}
    objects = [o for o in _objects(ctx.attr.deps) if o.path not in excluded]
    if not objects:
        fail("static_archive %s: no objects found in deps" % ctx.label)
    out = ctx.actions.declare_file(ctx.attr.out)
    args = ctx.actions.args()
    args.add(out)
    args.add_all(objects)
    # `ar qcsD`: quick-append keeps objects with equal basenames from
    # different packages as separate members; D makes it deterministic.
    ctx.actions.run_shell(
        inputs = objects,
        outputs = [out],
        arguments = [args],
        command = 'out="$1"; shift; rm -f "$out"; ar qcsD "$out" "$@"',
        mnemonic = "StaticArchive",
        progress_message = "Archiving %d objects into %s" % (len(objects), out.short_path),
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

static_archive = rule(
    implementation = _static_archive_impl,
    doc = """One .a holding every first-party object of deps' transitive
closure, less those of exclude's.""",
    attrs = {
        "deps": attr.label_list(providers = [CcInfo]),
        "exclude": attr.label_list(providers = [CcInfo]),
        "out": attr.string(mandatory = True),
    },
)

def _public_headers_impl(ctx):
    excluded = {f.path: True for f in ctx.files.exclude}
    top = {f.path: True for f in ctx.files.top_level}
    hdrs = []
    lines = []
    seen = {}
    for dep in ctx.attr.deps:
        for h in dep[CcInfo].compilation_context.headers.to_list():
            if _owned(h) and h.path not in excluded and h.path not in seen:
                seen[h.path] = True
                hdrs.append(h)
                dest = h.basename if h.path in top else h.short_path
                lines.append("%s\t%s" % (h.short_path, dest))
    manifest = ctx.actions.declare_file(ctx.label.name + ".manifest")
    ctx.actions.write(manifest, "\n".join(sorted(lines)) + "\n")
    return [DefaultInfo(
        files = depset([manifest]),
        runfiles = ctx.runfiles(files = hdrs + [manifest]),
    )]

public_headers = rule(
    implementation = _public_headers_impl,
    doc = """Every first-party header in deps' transitive compilation context,
in runfiles, and NAME.manifest: one `runfiles-path TAB install-path` line
each (the workspace path, or the bare name for top_level headers).""",
    attrs = {
        "deps": attr.label_list(providers = [CcInfo]),
        "exclude": attr.label_list(allow_files = True),
        "top_level": attr.label_list(allow_files = True),
    },
)

def _link_options_impl(ctx):
    flags = []
    for dep in ctx.attr.deps:
        for linker_input in dep[CcInfo].linking_context.linker_inputs.to_list():
            for f in linker_input.user_link_flags:
                if f not in flags:
                    flags.append(f)
    linker_input = cc_common.create_linker_input(
        owner = ctx.label,
        user_link_flags = depset(flags),
    )
    return [CcInfo(linking_context = cc_common.create_linking_context(
        linker_inputs = depset([linker_input]),
    ))]

link_options = rule(
    implementation = _link_options_impl,
    doc = """Only the link options (system libraries, third_party/BUILD) of
deps' transitive closure, without their objects: for a link that takes the
objects from elsewhere.""",
    attrs = {
        "deps": attr.label_list(providers = [CcInfo]),
    },
)
