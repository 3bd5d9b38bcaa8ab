// lws_names_test.c compiled and run as C++: every name the compatibility
// layer adds must be usable from C++ unchanged (see that file).
#include "tests/capi/lws_names_test.c"
