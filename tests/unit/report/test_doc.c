/*
** test_doc.c: the document writers (src/report/doc*.c).
**
** CSV: RFC 4180's own examples (section 2): a field with a line break or a
** double quote is enclosed in double quotes and an inner quote is doubled
** ("aaa","b""bb","ccc"); a field with a comma is quoted; other fields are
** bare. The expected bytes are written out below, and the file is also
** read back with libcsv (strict mode), an independent parser, which must
** return the original cells.
** HTML: text is escaped (& < > " ' become &amp; &lt; &gt; &quot; &#39;), so
** a paragraph "<script>" appears as text and the page has no <script>
** element; the page names no external resource (no "http" except where the
** document's own text says it, no src=, no <link>, url() only to #ids);
** parsed with libxml2's HTML parser: one <svg> per figure, one <table>
** with <thead> and a "Table N." caption per table, "Figure N." captions,
** <meta charset="utf-8">, table-of-contents links that all land on an id,
** every id unique (cairo's glyph ids repeat across figures; the writer
** prefixes them), and the notice styled with "Not computed:".
** Ids: a bad id and a duplicate (table, figure, section) are refused with
** the id and the rule named, before anything is written; a table and a
** figure may share an id ("responders" is both).
** Memory: each allocation failing in turn makes rdoc_write say
** AVN_E_NOMEM until there are enough allocations for the whole document.
** PDF: header, trailer, and a long table splitting over several pages.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <csv.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/mem.h"
#include "report/doc.h"
#include "report/doc_int.h"

static char tmpdir[64];

static int setup_dir(void **s) {
  (void)s;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/avn_test_doc_XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **s) {
  (void)s;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *d = malloc((size_t)n + 1);
  assert_int_equal(fread(d, 1, (size_t)n, fp), (size_t)n);
  d[n] = '\0';
  fclose(fp);
  if (len) *len = (size_t)n;
  return d;
}

static void out_path(char *buf, size_t size, const char *sub, const char *file) {
  snprintf(buf, size, "%s/%s/%s", tmpdir, sub, file);
}

/* --- CSV --------------------------------------------------------------- */

static const char *const rfc_rows[][3] = {
    {"aaa", "bbb", "ccc"},   {"zzz", "yyy", "xxx"},     {"aaa", "b\r\nbb", "ccc"},
    {"aaa", "b\"bb", "ccc"}, {"a,b", "", "54.6 \xC2\xB1 6.8"},
};

struct csv_back {
  char cells[16][3][32];
  size_t row, col;
};

static void cb_field(void *s, size_t len, void *data) {
  struct csv_back *b = data;
  assert_true(b->row < 16 && b->col < 3 && len < 32);
  memcpy(b->cells[b->row][b->col], s, len);
  b->cells[b->row][b->col][len] = '\0';
  b->col++;
}

static void cb_row(int c, void *data) {
  (void)c;
  struct csv_back *b = data;
  assert_int_equal(b->col, 3); /* every record has the header's field count */
  b->row++;
  b->col = 0;
}

static void test_csv(void **s) {
  (void)s;
  rdoc *d = rdoc_new("CSV", "sub");
  rsec *sec = rdoc_section(d, "s", "S");
  const char *h[] = {"a", "b", "c"};
  rtable *t = rsec_table(sec, "rfc", "RFC 4180 examples", 3, h);
  for (size_t i = 0; i < 5; i++) rtable_row(t, rfc_rows[i]);
  const char *with_null[] = {"x", NULL, "z"};
  rtable_row(t, with_null);
  rtable_group(t, "Stage II");
  char dir[128], path[160];
  snprintf(dir, sizeof dir, "%s/csv", tmpdir);
  avn_err e;
  assert_int_equal(rdoc_write(d, dir, &e), AVN_OK);
  out_path(path, sizeof path, "csv", "tables/rfc.csv");
  size_t len;
  char *got = slurp(path, &len);
  assert_non_null(got);
  const char *want = "a,b,c\n"
                     "aaa,bbb,ccc\n"
                     "zzz,yyy,xxx\n"
                     "aaa,\"b\r\nbb\",ccc\n"
                     "aaa,\"b\"\"bb\",ccc\n"
                     "\"a,b\",,54.6 \xC2\xB1 6.8\n"
                     "x,,z\n"
                     "Stage II,,\n";
  assert_string_equal(got, want);

  /* read back with libcsv */
  struct csv_parser p;
  struct csv_back back;
  memset(&back, 0, sizeof back);
  assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
  assert_int_equal(csv_parse(&p, got, len, cb_field, cb_row, &back), len);
  assert_int_equal(csv_fini(&p, cb_field, cb_row, &back), 0);
  csv_free(&p);
  assert_int_equal(back.row, 8);
  for (size_t i = 0; i < 5; i++)
    for (size_t j = 0; j < 3; j++) assert_string_equal(back.cells[i + 1][j], rfc_rows[i][j]);
  assert_string_equal(back.cells[7][0], "Stage II");
  free(got);

  avn_buf b;
  avn_buf_init(&b, 0);
  assert_int_equal(rdoc_csv_field(&b, "\""), AVN_OK);
  assert_string_equal(avn_buf_str(&b), "\"\"\"\"");
  avn_buf_reset(&b);
  assert_int_equal(rdoc_csv_field(&b, "line\nbreak"), AVN_OK);
  assert_string_equal(avn_buf_str(&b), "\"line\nbreak\"");
  avn_buf_free(&b);
  rdoc_free(d);
}

/* --- HTML ---------------------------------------------------------------- */

static void test_escape(void **s) {
  (void)s;
  avn_buf b;
  avn_buf_init(&b, 0);
  assert_int_equal(rdoc_html_escape(&b, "<a href='x'>&\"</a>", false), AVN_OK);
  assert_string_equal(avn_buf_str(&b), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  avn_buf_reset(&b);
  assert_int_equal(rdoc_html_escape(&b, "two\nlines", true), AVN_OK);
  assert_string_equal(avn_buf_str(&b), "two<br>lines");
  avn_buf_free(&b);
}

static rfig *small_km(void) {
  rfig *f = rfig_km("Months", "Survival (proportion)");
  double t[] = {2, 5}, sv[] = {0.9, 0.7}, ct[] = {6}, cs[] = {0.7};
  rfig_km_curve(f, "All", 2, t, sv, 1, ct, cs);
  double rt[] = {0, 3, 6};
  int n[] = {10, 8, 3};
  rfig_km_risk(f, 3, rt, 1, n);
  return f;
}

static rfig *small_bars(void) {
  rfig *f = rfig_bars("Hips", false);
  const char *c[] = {"I", "II"};
  rfig_categories(f, 2, c);
  double v[] = {3, 4};
  rfig_bar_series(f, "Improved", v);
  return f;
}

/* A document with 2 sections, 2 tables, 2 figures, a notice. */
static rdoc *sample(const char *extra_para) {
  rdoc *d = rdoc_new("avn report: <Test> & \"study\"", "sub 'title'");
  rsec *s = rdoc_section(d, "flow", "Study flow");
  rsec_para(s, "Text with <script>alert(1)</script> & 'quotes'.");
  if (extra_para) rsec_para(s, "%s", extra_para);
  const char *h[] = {"Stage", "n", "Improved"};
  rtable *t = rsec_table(s, "responders", "Responders", 3, h);
  const char *r[] = {"II", "29", "12 (41.4%)"};
  rtable_row(t, r);
  rtable_note(t, "A note with <b>.");
  rsec_figure(s, "responders", "Responders by stage", small_bars());
  rsec *s2 = rdoc_section(d, "survival", "Survival");
  rsec_heading(s2, "Overall");
  rsec_missing(s2, "no conversions, so no <model>");
  rtable *t2 = rsec_table(s2, "cox", "Cox model", 3, h);
  rtable_group(t2, "Stage");
  rtable_row(t2, r);
  rsec_figure(s2, "km_overall", "Kaplan-Meier", small_km());
  return d;
}

/* Case-insensitive strstr (strcasestr is a GNU extension). */
static const char *ci_find(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (const char *p = hay; *p; p++)
    if (strncasecmp(p, needle, n) == 0) return p;
  return NULL;
}

static size_t count_sub(const char *hay, const char *needle) {
  size_t n = 0;
  const char *p = strstr(hay, needle);
  while (p) {
    n++;
    p = strstr(p + 1, needle);
  }
  return n;
}

struct walk {
  size_t svg, table, thead, caption_ok, figcaption_ok, missing, meta_utf8;
  char *ids[4096];
  size_t n_ids;
  char *refs[4096];
  size_t n_refs;
};

static char *text_of(xmlNodePtr n) { return (char *)xmlNodeGetContent(n); }

static void walk(xmlNodePtr n, struct walk *w) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    const char *nm = (const char *)n->name;
    if (strcmp(nm, "svg") == 0) w->svg++;
    if (strcmp(nm, "table") == 0) w->table++;
    if (strcmp(nm, "thead") == 0) w->thead++;
    if (strcmp(nm, "caption") == 0) {
      char *c = text_of(n);
      char want[32];
      snprintf(want, sizeof want, "Table %zu. ", w->caption_ok + 1);
      if (strncmp(c, want, strlen(want)) == 0) w->caption_ok++;
      xmlFree(c);
    }
    if (strcmp(nm, "figcaption") == 0) {
      char *c = text_of(n);
      char want[32];
      snprintf(want, sizeof want, "Figure %zu. ", w->figcaption_ok + 1);
      if (strncmp(c, want, strlen(want)) == 0) w->figcaption_ok++;
      xmlFree(c);
    }
    if (strcmp(nm, "meta") == 0) {
      xmlChar *cs = xmlGetProp(n, (const xmlChar *)"charset");
      if (cs && strcasecmp((const char *)cs, "utf-8") == 0) w->meta_utf8++;
      xmlFree(cs);
    }
    if (strcmp(nm, "p") == 0) {
      xmlChar *cl = xmlGetProp(n, (const xmlChar *)"class");
      if (cl && strcmp((const char *)cl, "missing") == 0) {
        char *c = text_of(n);
        if (strncmp(c, "Not computed: ", 14) == 0) w->missing++;
        xmlFree(c);
      }
      xmlFree(cl);
    }
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
      xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
      const char *an = (const char *)a->name;
      if (strcmp(an, "id") == 0 && w->n_ids < 4096) w->ids[w->n_ids++] = strdup((const char *)v);
      if ((strcmp(an, "href") == 0 || strcmp(an, "xlink:href") == 0) && v[0] == '#' &&
          w->n_refs < 4096)
        w->refs[w->n_refs++] = strdup((const char *)v + 1);
      xmlFree(v);
    }
    walk(n->children, w);
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_html(void **s) {
  (void)s;
  rdoc *d = sample(NULL);
  char dir[128], path[160];
  snprintf(dir, sizeof dir, "%s/html", tmpdir);
  avn_err e;
  assert_int_equal(rdoc_write(d, dir, &e), AVN_OK);
  rdoc_free(d);
  out_path(path, sizeof path, "html", "report.html");
  size_t len;
  char *html = slurp(path, &len);
  assert_non_null(html);

  /* escaping and self-containment */
  assert_null(ci_find(html, "<script"));
  assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;quotes&#39;."));
  assert_non_null(strstr(html, "<title>avn report: &lt;Test&gt; &amp; &quot;study&quot;</title>"));
  assert_null(strstr(html, "http"));
  assert_null(ci_find(html, " src="));
  assert_null(ci_find(html, "<link"));
  assert_null(ci_find(html, "@import"));
  assert_int_equal(count_sub(html, "url("), count_sub(html, "url(#"));

  /* structure */
  htmlDocPtr doc = htmlReadMemory(html, (int)len, "report.html", "UTF-8",
                                  HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  assert_non_null(doc);
  struct walk *w = calloc(1, sizeof *w);
  walk(xmlDocGetRootElement(doc), w);
  assert_int_equal(w->svg, 2);
  assert_int_equal(w->table, 2);
  assert_int_equal(w->thead, 2);
  assert_int_equal(w->caption_ok, 2);
  assert_int_equal(w->figcaption_ok, 2);
  assert_int_equal(w->missing, 1);
  assert_int_equal(w->meta_utf8, 1);
  /* ids unique; every #ref lands on one */
  qsort(w->ids, w->n_ids, sizeof *w->ids, cmp_str);
  assert_true(w->n_ids > 10); /* glyph symbols and clips of two figures */
  for (size_t i = 1; i < w->n_ids; i++)
    if (strcmp(w->ids[i - 1], w->ids[i]) == 0) {
      print_error("duplicate id %s\n", w->ids[i]);
      fail();
    }
  assert_true(w->n_refs > 10);
  for (size_t i = 0; i < w->n_refs; i++) {
    const char *key = w->refs[i];
    if (!bsearch(&key, w->ids, w->n_ids, sizeof *w->ids, cmp_str)) {
      print_error("#%s has no target\n", key);
      fail();
    }
  }
  assert_non_null(strstr(html, "href=\"#sec-flow\""));
  assert_non_null(strstr(html, "href=\"#sec-survival\""));
  for (size_t i = 0; i < w->n_ids; i++) free(w->ids[i]);
  for (size_t i = 0; i < w->n_refs; i++) free(w->refs[i]);
  free(w);
  xmlFreeDoc(doc);
  free(html);

  /* a URL in the document's own text stays text */
  d = sample("See https://example.org/x?a=1&b=2 for the protocol.");
  assert_int_equal(rdoc_write(d, dir, &e), AVN_OK);
  rdoc_free(d);
  html = slurp(path, &len);
  assert_int_equal(count_sub(html, "http"), 1);
  assert_non_null(strstr(html, "<p>See https://example.org/x?a=1&amp;b=2 for the protocol.</p>"));
  assert_null(ci_find(html, "href=\"http"));
  free(html);

  /* every output exists */
  const char *files[] = {"report.pdf", "tables/responders.csv", "tables/cox.csv",
                         "figures/responders.svg", "figures/responders.png",
                         "figures/responders.pdf", "figures/km_overall.svg",
                         "figures/km_overall.png", "figures/km_overall.pdf"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    struct stat st;
    out_path(path, sizeof path, "html", files[i]);
    if (stat(path, &st) != 0 || st.st_size == 0) {
      print_error("missing %s\n", path);
      fail();
    }
  }
}

/* --- ids ----------------------------------------------------------------- */

static void expect_refused(rdoc *d, avn_rc want, const char *field, const char *value,
                           const char *rule_part) {
  char dir[128];
  snprintf(dir, sizeof dir, "%s/refused", tmpdir);
  avn_err e;
  avn_err_clear(&e);
  assert_int_equal(rdoc_write(d, dir, &e), want);
  assert_string_equal(e.field, field);
  assert_string_equal(e.value, value);
  assert_non_null(strstr(e.rule, rule_part));
  struct stat st;
  assert_int_not_equal(stat(dir, &st), 0); /* nothing written */
  rdoc_free(d);
}

static void test_ids(void **s) {
  (void)s;
  const char *h[] = {"a"};
  rdoc *d = sample(NULL);
  rsec *x = rdoc_section(d, "more", "More");
  rsec_table(x, "cox", "again", 1, h);
  expect_refused(d, AVN_E_EXISTS, "table id", "cox", "unique");

  d = sample(NULL);
  x = rdoc_section(d, "more", "More");
  rsec_figure(x, "km_overall", "again", small_bars());
  expect_refused(d, AVN_E_EXISTS, "figure id", "km_overall", "unique");

  d = sample(NULL);
  rdoc_section(d, "flow", "Flow again");
  expect_refused(d, AVN_E_EXISTS, "section id", "flow", "unique");

  d = sample(NULL);
  x = rdoc_section(d, "more", "More");
  rsec_table(x, "Bad Id", "bad", 1, h);
  expect_refused(d, AVN_E_PARSE, "table id", "Bad Id", "a-z, 0-9");

  d = sample(NULL);
  x = rdoc_section(d, "more", "More");
  rsec_figure(x, "../escape", "bad", small_bars());
  expect_refused(d, AVN_E_PARSE, "figure id", "../escape", "a-z, 0-9");

  d = sample(NULL);
  x = rdoc_section(d, "more", "More");
  rsec_table(x, "", "empty", 1, h);
  expect_refused(d, AVN_E_PARSE, "table id", "", "1 to 64");
}

/* --- directories, replacement, PDF pages ---------------------------------- */

static void test_dirs_pdf(void **s) {
  (void)s;
  rdoc *d = rdoc_new("Long", "table");
  rsec *sec = rdoc_section(d, "ae", "Adverse events");
  const char *h[] = {"Patient", "Term", "Grade"};
  rtable *t = rsec_table(sec, "ae_listing", "Listing", 3, h);
  char pid[16];
  for (int i = 0; i < 200; i++) {
    snprintf(pid, sizeof pid, "P%03d", i);
    const char *r[] = {pid, "Pain at the harvest site", "1"};
    rtable_row(t, r);
  }
  char dir[160], path[200];
  snprintf(dir, sizeof dir, "%s/a/b/c", tmpdir); /* mkdir -p */
  avn_err e;
  assert_int_equal(rdoc_write(d, dir, &e), AVN_OK);
  assert_int_equal(rdoc_write(d, dir, &e), AVN_OK); /* replaces */
  snprintf(path, sizeof path, "%s/report.pdf", dir);
  size_t len;
  char *pdf = slurp(path, &len);
  assert_non_null(pdf);
  assert_memory_equal(pdf, "%PDF-", 5);
  size_t end = len;
  while (end > 0 && (pdf[end - 1] == '\n' || pdf[end - 1] == '\r')) end--;
  assert_memory_equal(pdf + end - 5, "%%EOF", 5);
  /* 200 rows at ~13 pt do not fit one A4 page: title page + at least 3 */
  size_t pages = 0;
  for (size_t i = 0; i + 11 < len; i++)
    if (memcmp(pdf + i, "/Type /Page", 11) == 0 && pdf[i + 11] != 's') pages++;
  assert_true(pages >= 4);
  free(pdf);
  snprintf(path, sizeof path, "%s/tables", dir);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_true(S_ISDIR(st.st_mode));
  snprintf(path, sizeof path, "%s/figures", dir);
  assert_int_equal(stat(path, &st), 0);
  /* a file where the directory should be */
  snprintf(path, sizeof path, "%s/report.pdf", dir);
  assert_int_equal(rdoc_write(d, path, &e), AVN_E_IO);
  rdoc_free(d);
}

/* --- memory ---------------------------------------------------------------- */

static void test_nomem(void **s) {
  (void)s;
  char dir[128];
  snprintf(dir, sizeof dir, "%s/nomem", tmpdir);
  bool ok_seen = false;
  int after_ok = 0;
  for (long k = 0; k < 5000 && after_ok < 3; k++) {
    avn_mem_fail_after(k);
    rdoc *d = rdoc_new("T", "S");
    rsec *sec = rdoc_section(d, "s", "S");
    rsec_para(sec, "para %d", 1);
    rsec_missing(sec, "why %s", "not");
    rsec_heading(sec, "H");
    const char *h[] = {"a", "b"};
    rtable *t = rsec_table(sec, "t", "T", 2, h);
    const char *r[] = {"1", "2"};
    for (int i = 0; i < 20; i++) rtable_row(t, r);
    rtable_group(t, "g");
    rtable_note(t, "n %d", 2);
    rsec_figure(sec, "f", "F", rfig_flow());
    avn_mem_fail_after(-1);
    avn_err e;
    avn_rc rc = rdoc_write(d, dir, &e);
    if (ok_seen) {
      assert_int_equal(rc, AVN_OK);
      after_ok++;
    } else if (rc == AVN_OK) {
      ok_seen = true;
      assert_true(k > 20);
    } else {
      assert_int_equal(rc, AVN_E_NOMEM);
    }
    rdoc_free(d);
  }
  assert_true(ok_seen);
  /* NULL everywhere is safe */
  rsec_para(NULL, "x");
  rtable_row(NULL, NULL);
  rsec_figure(NULL, "x", "y", rfig_flow());
  avn_err e;
  assert_int_equal(rdoc_write(NULL, dir, &e), AVN_E_NOMEM);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv),      cmocka_unit_test(test_escape),
      cmocka_unit_test(test_html),     cmocka_unit_test(test_ids),
      cmocka_unit_test(test_dirs_pdf), cmocka_unit_test(test_nomem),
  };
  return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
