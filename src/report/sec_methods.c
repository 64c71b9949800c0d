/*
** sec_methods.c: report section 11, the statistical methods paragraph,
** written from what the other sections actually ran.
**
** The sentences come from the rctx method log (rctx_method, one per key,
** in order of first use), so a test that never ran is never described.
** Around them: the analysis plan's origin (the protocol's plan or avn's
** default), the unit of analysis, the significance level, the handling of
** missing data (complete pairs for the paired tests and complete cases for
** the repeated-measures ANOVA; all values at the analysed visits in the
** mixed model; no imputation; each said only when that analysis ran), the
** handling of bilateral hips, and the software: avn
** AVN_VERSION, whose statistics are its own C implementations validated
** against R 4.2.2.
**
** Costs: O(total length of the sentences).
*/
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "report/rctx.h"

avn_rc sec_methods(rctx *c, avn_err *e) {
  (void)e;
  avn_rc rc = AVN_OK;
  avn_buf b;
  avn_buf_init(&b, 1u << 20);
  rsec *s = rdoc_section(c->doc, "methods", "Statistical methods");
  if (!s) return AVN_OK;
  const sap *plan = c->plan;
  bool bilateral = false;
  for (size_t u = 0; u < c->n_units; u++) bilateral = bilateral || c->units[u].bilateral;

  rc = avn_buf_printf(&b, "The analysis followed %s. The unit of analysis was the %s. ",
                      plan->defaulted ? "avn's default analysis plan, because the protocol has no "
                                        "analysis section" : "the statistical analysis plan of the protocol",
                      c->per_hip ? "hip" : "patient");
  if (!rc && c->n_methods == 0)
    rc = avn_buf_puts(&b, "No statistical test could be run on the data available at the cut-off. ");
  for (size_t i = 0; !rc && i < c->n_methods; i++) {
    rc = avn_buf_puts(&b, c->method_text[i]);
    if (!rc) rc = avn_buf_puts(&b, " ");
  }
  if (!rc)
    rc = avn_buf_printf(&b, "Tests were two-sided at a significance level of %g. ", plan->alpha);
  /* missing data: only for the analyses that ran */
  bool paired = rctx_ran(c, "paired_t") || rctx_ran(c, "wilcoxon_signed") || rctx_ran(c, "outcome_clustered");
  bool rma = rctx_ran(c, "rmanova"), mixed = rctx_ran(c, "mixed");
  if (!rc && (paired || rma || mixed)) {
    rc = avn_buf_puts(&b, "Missing data were not imputed:");
    const char *parts[3] = {paired ? " paired comparisons used the units with both values (complete pairs)" : NULL,
                            rma ? " the repeated-measures ANOVA the units with every analysed visit (complete "
                                  "cases)" : NULL,
                            mixed ? " the linear mixed model every value at the analysed visits, under the "
                                    "missing-at-random assumption" : NULL};
    size_t np = 0, k = 0;
    for (size_t i = 0; i < 3; i++) np += parts[i] != NULL;
    for (size_t i = 0; !rc && i < 3; i++)
      if (parts[i]) {
        k++;
        rc = avn_buf_printf(&b, "%s%s", k == 1 ? "" : k == np ? ", and" : ",", parts[i]);
      }
    if (!rc) rc = avn_buf_puts(&b, ". ");
  }
  if (!rc && c->per_hip) {
    size_t npat = 0, both = 0;
    int *ids = avn_calloc(c->n_units + 1, sizeof *ids);
    if (!ids) { rc = AVN_E_NOMEM; goto cleanup; }
    rc = rctx_cluster_ids(c, NULL, c->n_units, ids, &npat, &both);
    avn_free(ids);
    if (!rc)
      rc = bilateral ? avn_buf_printf(&b, "%zu of the %zu patients contributed both hips: the methods above that "
                                          "name patients as clusters count the patient as the independent unit, "
                                          "and results labelled 'hips independent' (shown beside them for "
                                          "comparison) treat a patient's two hips as independent. ", both, npat)
                     : avn_buf_puts(&b, "No patient contributed both hips, so hips are independent units. ");
  }
  if (!rc)
    rc = avn_buf_printf(&b, "Analyses were run with avn %s; statistics computed by avn's own C "
                            "implementations validated against R 4.2.2.", AVN_VERSION);
  if (rc) goto cleanup;
  rsec_para(s, "%s", avn_buf_str(&b));
cleanup:
  avn_buf_free(&b);
  return rc;
}
