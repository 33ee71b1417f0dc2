// Built only with CARTABLE_SANITIZE. The deploy hooks run cartable under
// `env -i`, which drops LSAN_OPTIONS: the suppressions must travel inside the
// binary. One cmark-gfm parser per rendering thread is kept for the life of
// the process on purpose (render/markdown.cpp); Debian's library has no
// symbols, so the module is matched. Same list as tests/lsan.supp.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libcmark-gfm\nleak:cmark_parser_new\n";
}

// Tests read cartable's stderr; LSan's table of suppressions used ("count
// bytes template") is noise there.
extern "C" const char* __lsan_default_options() { return "print_suppressions=0"; }
