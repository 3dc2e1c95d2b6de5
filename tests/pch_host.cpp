// Compiles the shared precompiled header of the runtime and jobs tests (fa_test_pch in
// tests/CMakeLists.txt); nothing links this library.
