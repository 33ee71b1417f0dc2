/* Oracle: every .ics under PUBLIC_DIR parsed by libical (Debian libical-dev,
 * the library of Evolution and other clients), then run through its iTIP
 * restriction checks (icalrestriction_check), which our other parsers do not
 * have. Any parse error or restriction violation fails.
 *
 * usage: ics_libical PUBLIC_DIR          check, print a summary
 *        ics_libical --dump PUBLIC_DIR   also print each event, normalized
 *                                        (see ics_compare.py), on stdout
 * Instants are computed through the VTIMEZONE each file carries: libical
 * resolves a TZID from the enclosing VCALENDAR before its built-in zones. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures, feeds, dump;
static const char *root;

static char *read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *buf = malloc((size_t)n + 1);
  size_t got = fread(buf, 1, (size_t)n, f);
  buf[got] = 0;
  fclose(f);
  return buf;
}

/* Tabs and newlines would break the dump's columns. */
static void put_field(const char *s) {
  putchar('\t');
  for (; s && *s; ++s) {
    if (*s == '\n') fputs("\\n", stdout);
    else if (*s == '\t') fputs("\\t", stdout);
    else if (*s == '\\') fputs("\\\\", stdout);
    else putchar(*s);
  }
}

static void put_utc(struct icaltimetype t) {
  /* The zone libical attached to the value: the file's own VTIMEZONE. */
  time_t utc = icaltime_as_timet_with_zone(t, t.zone);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", gmtime(&utc));
  put_field(buf);
}

static const char *text_of(icalcomponent *ev, icalproperty_kind kind) {
  icalproperty *p = icalcomponent_get_first_property(ev, kind);
  return p ? icalproperty_get_value_as_string(p) : "";
}

static void report_errors(const char *path, icalcomponent *comp, const char *when) {
  for (icalproperty *p = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY); p;
       p = icalcomponent_get_next_property(comp, ICAL_XLICERROR_PROPERTY)) {
    fprintf(stderr, "FAIL: %s: %s: %s: %s\n", path, icalcomponent_kind_to_string(icalcomponent_isa(comp)), when,
            icalproperty_get_xlicerror(p));
    ++failures;
  }
  for (icalcomponent *c = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); c;
       c = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT)) {
    report_errors(path, c, when);
  }
}

static void dump_event(const char *rel, icalcomponent *ev) {
  struct icaltimetype start = icalcomponent_get_dtstart(ev), end = icalcomponent_get_dtend(ev);
  if (!start.zone || strcmp(icaltimezone_get_tzid((icaltimezone *)start.zone), "Europe/Zurich") != 0) {
    fprintf(stderr, "FAIL: %s: %s: start not in the file's Europe/Zurich\n", rel, icalcomponent_get_uid(ev));
    ++failures;
  }
  fputs(rel, stdout);
  put_field(icalcomponent_get_uid(ev));
  put_utc(start);
  put_utc(end);
  put_field(icalproperty_status_to_string(icalcomponent_get_status(ev)));
  put_field(text_of(ev, ICAL_TRANSP_PROPERTY));
  char seq[16];
  snprintf(seq, sizeof seq, "%d", icalcomponent_get_sequence(ev));
  put_field(seq);
  put_field(icalcomponent_get_summary(ev));
  put_field(icalcomponent_get_location(ev));
  put_field(icalcomponent_get_description(ev));
  put_field(text_of(ev, ICAL_URL_PROPERTY));
  putchar('\n');
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)st;
  (void)ftw;
  size_t n = strlen(path);
  if (type != FTW_F || n < 4 || strcmp(path + n - 4, ".ics") != 0) return 0;
  ++feeds;
  const char *rel = path + strlen(root) + 1;
  char *text = read_all(path);
  icalcomponent *cal = text ? icalparser_parse_string(text) : NULL;
  free(text);
  if (!cal || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
    fprintf(stderr, "FAIL: %s: not a VCALENDAR\n", rel);
    ++failures;
    if (cal) icalcomponent_free(cal);
    return 0;
  }
  /* Parse errors are already X-LIC-ERROR properties; the restriction
   * checks add theirs, so one pass reports both. */
  icalrestriction_check(cal);
  report_errors(rel, cal, "parse or iTIP restriction");
  if (dump) {
    for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
      dump_event(rel, ev);
    }
  }
  icalcomponent_free(cal);
  return 0;
}

int main(int argc, char **argv) {
  int arg = 1;
  if (arg < argc && strcmp(argv[arg], "--dump") == 0) dump = 1, ++arg;
  if (arg + 1 != argc) {
    fprintf(stderr, "usage: ics_libical [--dump] PUBLIC_DIR\n");
    return 2;
  }
  root = argv[arg];
  /* Errors go into the components as X-LIC-ERROR properties. */
  icalerror_set_errors_are_fatal(0);
  nftw(root, visit, 16, FTW_PHYS);
  if (feeds == 0) fprintf(stderr, "FAIL: no .ics under %s\n", root), ++failures;
  fprintf(stderr, "libical %s: %d feeds, %d errors (parse and iTIP restrictions)\n", ICAL_VERSION, feeds, failures);
  return failures ? 1 : 0;
}
