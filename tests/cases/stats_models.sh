#!/bin/bash
# stats_models.sh: `avn stats` rm-anova, lmm, gee, kappa, icc, power end to
# end: numbers from --json compared with R's answers in
# tests/golden/stats/expected_models.json (make_expected_models.R), exit
# codes, and refusals naming the column / option and the reason.
set -u
: "${AVN:?}" "${AVN_SOURCE_DIR:?}" "${AVN_TMP:?}"
mkdir -p "$AVN_TMP"
D="$AVN_SOURCE_DIR/tests/golden/stats/data"
E="$AVN_SOURCE_DIR/tests/golden/stats/expected_models.json"
T="$AVN_TMP/stats_models"
mkdir -p "$T"
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# check NAME TOL 'python expr on got (g) and expected (e)' ...: each arg is
# "json_path_in_got=json_path_in_expected" with paths like a.b.0.c
check() {
  local name=$1 tol=$2 out=$3 case=$4
  shift 4
  python3 - "$out" "$E" "$case" "$tol" "$@" <<'PY' && ok "$name" || bad "$name"
import json, sys
got = json.load(open(sys.argv[1])); exp = json.load(open(sys.argv[2]))[sys.argv[3]]
tol = float(sys.argv[4]); err = 0
def get(o, path):
    for k in path.split('.'):
        o = o[int(k)] if isinstance(o, list) else o[k]
    return o
for spec in sys.argv[5:]:
    a, b = spec.split('=')
    g, e = get(got, a), get(exp, b)
    if isinstance(e, list) and not isinstance(g, list): e = e[0]
    if isinstance(e, (int, float)) and (g is None or abs(g - e) > tol * max(abs(e), 1e-300) and abs(g - e) > 1e-15):
        print("  %s: got %r want %r" % (a, g, e)); err = 1
sys.exit(err)
PY
}

# expect_fail NAME STATUS PATTERN -- avn args...: exit status and message
expect_fail() {
  local name=$1 want=$2 pat=$3
  shift 4
  "$AVN" "$@" >"$T/out" 2>"$T/err"
  local st=$?
  if [ "$st" -eq "$want" ] && grep -q -- "$pat" "$T/err"; then ok "$name"
  else bad "$name (status $st, stderr: $(cat "$T/err"))"; fi
}

run() { local out=$1; shift; "$AVN" "$@" --json >"$out" 2>"$T/err" || { echo "  $(cat "$T/err")"; return 1; }; }

# ---- rm-anova
run "$T/rm.json" stats rm-anova --data "$D/sphericity.csv" --value pain --subject subject --within time
check rm-anova-sphericity 1e-8 "$T/rm.json" rmanova_sph n=n n_subjects_dropped=n_dropped \
  statistic=statistic df1=df1 df2=df2 p=p partial_eta_sq=partial_eta_sq mauchly_w=mauchly_w \
  mauchly_p=mauchly_p gg_epsilon=gg_epsilon hf_epsilon=hf_epsilon p_gg=p_gg p_hf=p_hf \
  pairs.0.p=pairs_p.0 pairs.1.p_adjusted=pairs_bonferroni.1 pairs.2.p_holm=pairs_holm.2 \
  pairs.0.p_holm=pairs_holm.0
run "$T/rm3.json" stats rm-anova --data "$D/n3.csv" --value y --subject subject --within time --p-adjust holm
check rm-anova-n3 1e-8 "$T/rm3.json" rmanova_n3 statistic=statistic p=p mauchly_p=mauchly_p \
  gg_epsilon=gg_epsilon p_hf=p_hf pairs.2.p_adjusted=pairs_holm.2
expect_fail rm-anova-single-subject 1 "subject" -- stats rm-anova --data "$D/single_subject.csv" --value y --subject subject --within time
expect_fail rm-anova-constant 1 "y.*constant" -- stats rm-anova --data "$D/constant.csv" --value y --subject subject --within time
expect_fail rm-anova-no-column 1 "nosuch" -- stats rm-anova --data "$D/n3.csv" --value nosuch --subject subject --within time
expect_fail rm-anova-no-within 2 "within" -- stats rm-anova --data "$D/n3.csv" --value y --subject subject

# ---- lmm
H="$D/hhs_visits.csv"
run "$T/lmm.json" stats lmm --data "$H" --outcome hhs --subject patient --predictors age --factors visit
check lmm-reml 1e-5 "$T/lmm.json" lmm_reml n=n loglik=loglik aic=aic reml_criterion=reml_criterion \
  coefficients.0.estimate=estimate.0 coefficients.1.estimate=estimate.1 coefficients.4.estimate=estimate.4 \
  coefficients.1.se=se.1 coefficients.3.se=se.3 coefficients.1.df=df.1 coefficients.3.df=df.3 \
  coefficients.1.p=p.1 coefficients.2.ci_low=ci_low.2 variance_components.patient=vc_variance.0 \
  variance_components.residual=vc_variance.1
python3 -c "import json,sys; d=json.load(open('$T/lmm.json')); sys.exit(0 if d['coefficients'][2]['term']=='visitm06' and d['df_method']=='Satterthwaite' and d['n_missing']==13 else 1)" \
  && ok lmm-names || bad lmm-names
run "$T/lmmml.json" stats lmm --data "$H" --outcome hhs --subject patient --predictors age --factors visit --method ml
check lmm-ml 1e-5 "$T/lmmml.json" lmm_ml loglik=loglik aic=aic deviance=deviance \
  coefficients.0.estimate=estimate.0 coefficients.0.se=se.0 coefficients.0.df=df.0 variance_components.patient=vc_variance.0
run "$T/lmmn.json" stats lmm --data "$H" --outcome hhs --subject patient --nested hip --predictors age --factors visit
check lmm-nested 1e-5 "$T/lmmn.json" lmm_nested loglik=loglik aic=aic coefficients.1.estimate=estimate.1 \
  coefficients.1.se=se.1 coefficients.1.df=df.1 coefficients.4.df=df.4 variance_components.hip=vc_variance.0 \
  variance_components.patient=vc_variance.1 variance_components.residual=vc_variance.2
expect_fail lmm-constant 1 "y.*constant" -- stats lmm --data "$D/constant.csv" --outcome y --subject subject --predictors x
expect_fail lmm-one-subject 1 "subject.*at least 2 subjects" -- stats lmm --data "$D/single_subject.csv" --outcome y --subject subject
expect_fail lmm-collinear 1 "age,age: .*rank deficient" -- stats lmm --data "$H" --outcome hhs --subject patient --predictors age,age
expect_fail lmm-bad-method 2 "method" -- stats lmm --data "$H" --outcome hhs --subject patient --method bayes

# ---- gee
for c in "gaussian exchangeable hhs gee_gauss_exch" "gaussian independence hhs gee_gauss_ind" \
         "binomial exchangeable success gee_binom_exch" "binomial independence success gee_binom_ind"; do
  set -- $c
  run "$T/gee.json" stats gee --data "$H" --outcome "$3" --subject patient --predictors age --factors visit --family "$1" --corstr "$2"
  check "gee-$1-$2" 1e-6 "$T/gee.json" "$4" n=n alpha=alpha scale=scale \
    coefficients.0.estimate=estimate.0 coefficients.1.estimate=estimate.1 coefficients.3.estimate=estimate.3 \
    coefficients.0.robust_se=robust_se.0 coefficients.1.se=robust_se.1 coefficients.4.robust_se=robust_se.4 \
    coefficients.1.statistic=wald.1 coefficients.1.p=p.1
done
expect_fail gee-not-binary 1 "hhs.*0 or 1" -- stats gee --data "$H" --outcome hhs --subject patient --family binomial
expect_fail gee-bad-corstr 2 "corstr" -- stats gee --data "$H" --outcome hhs --subject patient --corstr ar1

# ---- kappa
for w in none linear quadratic; do
  run "$T/k.json" stats kappa --data "$D/reads.csv" --x reader1 --y reader2 --weights $w
  check "kappa-$w" 1e-9 "$T/k.json" "kappa_$w" n=n estimate=estimate se=se statistic=statistic p=p ci_low=ci_low ci_high=ci_high
done
run "$T/k3.json" stats kappa --data "$D/reads_n3.csv" --x r1 --y r2
check kappa-n3 1e-9 "$T/k3.json" kappa_n3 estimate=estimate se=se p=p
run "$T/k3l.json" stats kappa --data "$D/reads_n3.csv" --x r1 --y r2 --levels I,II,III,IV --weights linear \
  && ok kappa-levels || bad kappa-levels
expect_fail kappa-level-missing 1 "III.*not listed in --levels" -- stats kappa --data "$D/reads_n3.csv" --x r1 --y r2 --levels I,II
expect_fail kappa-one-category 1 "single category" -- stats kappa --data "$D/constant.csv" --x y --y y

# ---- icc
run "$T/icc.json" stats icc --data "$D/reads.csv" --cols angle1,angle2,angle3
check icc-3 1e-9 "$T/icc.json" icc_3 n=n statistic=statistic p=p estimate=icc_a1 ci_low=icc_a1_low \
  ci_high=icc_a1_high icc.1.estimate=icc_c1 icc.2.ci_low=icc_ak_low icc.3.ci_high=icc_ck_high
run "$T/icc2.json" stats icc --data "$D/reads.csv" --x angle1 --y angle2 --type consistency --unit average
check icc-2 1e-9 "$T/icc2.json" icc_2 estimate=icc_ck ci_low=icc_ck_low ci_high=icc_ck_high icc.0.ci_high=icc_a1_high
run "$T/icc3.json" stats icc --data "$D/reads_n3.csv" --x a1 --y a2
check icc-n3 1e-9 "$T/icc3.json" icc_n3 estimate=icc_a1 ci_low=icc_a1_low statistic=statistic
expect_fail icc-constant 1 "y,y.*residual mean square is 0" -- stats icc --data "$D/constant.csv" --cols y,y
expect_fail icc-no-cols 2 "cols" -- stats icc --data "$D/reads.csv"

# ---- power (seed 000: mean change 15, SD 12, alpha .05, power .90, paired, 15% dropout)
run "$T/p.json" stats power --design paired --delta 15 --sd 12 --alpha 0.05 --power 0.90 --dropout 0.15
check power-seed000 1e-9 "$T/p.json" power_seed000 n=n n_ceiling=n_ceiling n_with_dropout=n_with_dropout power=power
run "$T/p2.json" stats power --design two-sample --delta 10 --sd 15 --power 0.8
check power-two-sample 1e-9 "$T/p2.json" power_two_sample n=n
run "$T/p3.json" stats power --design two-sample --delta 0.4 --sd 1 --n 50 --alpha 0.01
check power-two-sample-n 1e-9 "$T/p3.json" power_two_sample_n power=power
run "$T/p4.json" stats power --design logrank --hr 0.6 --p-event 0.4
check power-logrank 1e-12 "$T/p4.json" power_logrank events=events n=n
expect_fail power-sd-zero 1 "sd.*> 0" -- stats power --design paired --delta 15 --sd 0 --power 0.9
expect_fail power-both 2 "exactly one" -- stats power --design paired --delta 15 --sd 12 --power 0.9 --n 10
expect_fail power-hr-one 1 "hr.*not 1" -- stats power --design logrank --hr 1

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
