# The paper demos against the papers: runs `avn demo` and reads the figures
# from the REPORT's CSV tables (computed by src/report from the database, not
# by the demo), comparing them with values typed here from the seed papers
# (seed 002 for `sequential`, seed 000 for `single-dose`; cited at the top of
# demos/sequential.yaml and demos/single-dose.yaml).
# Each expected value quotes the paper. Where the report prints a percentage
# the paper truncated (41/58: paper 70.6%, report 70.7%), the count is checked.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2026-01-15
expect_exit 0 "$AVN" demo --out "$T/d"
S="$T/d/sequential/tables"
D="$T/d/single-dose/tables"

# has FILE REGEX WHY: some line of the CSV matches the extended regex.
has() { if grep -Eq -- "$2" "$1"; then ok; else bad "$(basename "$1"): no line matches /$2/ ($3)"; fi; }

# --- seed 002, Table 1 and Results ("Patient Characteristics") ---
t1="$S/table1.csv"
has "$t1" '^Patients \(n = 46\),' 'A total of 46 patients'
has "$t1" '^Hips \(n = 58\),' '(58 hips)'
has "$t1" '^"Age \(years\), mean ± SD",38\.7 ± 7\.9$' 'The mean age was 38.7 ± 7.9 years'
has "$t1" '^"Age \(years\), range",22-55$' '(range 22-55)'
has "$t1" '^Sex: Male,32 \(69\.6%\)$' '32 males (69.6%)'
has "$t1" '^Sex: Female,14 \(30\.4%\)$' '14 females (30.4%)'
has "$t1" '^Laterality: Bilateral,12 \(26\.1%\)$' 'Bilateral disease was present in 12 patients (26.1%)'
has "$t1" '^Etiology: Cortico[^,]*,21 \(36\.2%\)$' 'Corticosteroid-induced: 21 hips (36.2%)'
has "$t1" '^Etiology: Idiopathic,19 \(32\.8%\)$' 'Idiopathic: 19 hips (32.8%)'
has "$t1" '^Etiology: Alcohol[^,]*,7 \(12\.1%\)$' 'Alcohol-related: 7 hips (12.1%)'
has "$t1" '^Etiology: Sickle cell[^,]*,11 \(19\.0%\)$' 'Sickle cell disease: 11 hips (19.0%)'
has "$t1" '^Stage \(Steinberg\): Stage I,14 \(24\.1%\)$' 'Stage I: 14 hips (24.1%)'
has "$t1" '^Stage \(Steinberg\): Stage II,29 \(50\.0%\)$' 'Stage II: 29 hips (50.0%)'
has "$t1" '^Stage \(Steinberg\): Stage III,15 \(25\.9%\)$' 'Stage III: 15 hips (25.9%)'

# --- seed 002, Table 2 (Clinical Outcomes, VAS & HHS, mean ± SD) ---
o="$S/outcomes.csv"
has "$o" '^VAS[^,]*,Baseline[^,]*,58,7\.8 ± 1\.1,' 'Baseline 7.8 ± 1.1'
has "$o" '^VAS[^,]*,3 months,58,4\.3 ± 1\.4,' '3 months 4.3 ± 1.4'
has "$o" '^VAS[^,]*,6 months,58,3\.1 ± 1\.2,' '6 months 3.1 ± 1.2'
has "$o" '^VAS[^,]*,12 months,58,2\.4 ± 1\.0,' '12 months 2.4 ± 1.0'
has "$o" '^VAS[^,]*,24 months,52,2\.1 ± 1\.2,' '24 months 2.1 ± 1.2 (52 hips not converted)'
has "$o" '^Harris Hip Score,Baseline[^,]*,58,54\.6 ± 6\.8,' 'Baseline 54.6 ± 6.8'
has "$o" '^Harris Hip Score,6 months,58,72\.8 ± 7\.9,' '6 months 72.8 ± 7.9'
has "$o" '^Harris Hip Score,12 months,58,80\.4 ± 8\.3,' '12 months 80.4 ± 8.3'
has "$o" '^Harris Hip Score,24 months,52,84\.2 ± 9\.1,' '24 months 84.2 ± 9.1'
# "A >20-point improvement was achieved in 83% of hips": 48 of 58.
has "$S/responders.csv" '^Harris Hip Score,"improvement > 20[^"]*",48/58 \(82\.8%\),' '>20-point improvement in 83% of hips'

# --- seed 002, Table 3 (Radiological Outcomes by Stage) and THA ---
r="$S/radiology_by_stage.csv"
has "$r" '^I,14,10 \(71\.4%\),4 \(28\.6%\),0( \(0\.0%\))?,0$' 'I 10 (71.4%) 4 (28.6%) 0 0'
has "$r" '^II,29,16 \(55\.2%\),7 \(24\.1%\),6 \(20\.7%\),0$' 'II 16 (55.2%) 7 (24.1%) 6 (20.7%) 0'
has "$r" '^III,15,3 \(20\.0%\),6 \(40\.0%\),6 \(40\.0%\),6$' 'III 3 (20.0%) 6 (40.0%) 6 (40.0%) 6'
# "6 hips (10.3%) required THA": the flow's cumulative conversions at 24 months.
has "$S/flow.csv" '^24 months,.*,6$' '6 hips required THA'
# "Sickle cell disease: lower response, with 4/11 (36%) progressing"
has "$S/radiology_by_etiology.csv" '^Sickle cell[^,]*,11,.*,4 \(36\.4%\),[0-9]+$' '4/11 (36%) progressing'
# "Bone edema significantly decreased in: 41 hips (70.6%) by 6 months; 48 hips (82.7%) by 12 months"
has "$S/edema.csv" '^6 months,58,.*,41 \(' '41 hips by 6 months'
has "$S/edema.csv" '^12 months,58,.*,48 \(' '48 hips by 12 months'
# "Average reduction in necrotic segment: Steinberg I: 18.4% reduction; Steinberg II: 12.2% reduction"
has "$S/lesion_change.csv" '^I,14,18\.4 ± ' 'Steinberg I: 18.4% reduction'
has "$S/lesion_change.csv" '^II,29,12\.2 ± ' 'Steinberg II: 12.2% reduction'

# --- seed 002, Safety and Complications, Patient Satisfaction ---
has "$S/ae_terms.csv" '^Mild pain at aspiration site,9 \(' 'Mild pain at aspiration site: 9 patients'
has "$S/ae_terms.csv" '^Transient swelling at injection site,6 \(' 'Transient swelling at injection site: 6 patients'
has "$S/satisfaction.csv" '^[0-9 ]*Very satisfied,28 \(' 'Very satisfied: 28 patients'
has "$S/satisfaction.csv" '^[0-9 ]*Satisfied,12 \(' 'Satisfied: 12 patients'
has "$S/satisfaction.csv" '^[0-9 ]*Neither satisfied nor dissatisfied,4 \(' 'Neutral: 4 patients'
has "$S/satisfaction.csv" '^[0-9 ]*Dissatisfied,2 \(' 'Dissatisfied: 2 patients'
# Cell products within the protocol's limits: no deviation for any limit.
if grep -Ev '^Limit,' "$S/cell_deviations.csv" | grep -Evq ',0 \(0\.0%\),'; then bad "sequential: a cell product outside the limits"; else ok; fi

# --- seed 000, Table S1 (per patient) ---
t1="$D/table1.csv"
has "$t1" '^Patients \(n = 50\),' 'Total Patients 50'
has "$t1" '^"Age \(years\), mean ± SD",38\.5 ± ' 'Mean Age (years) 38.5'
has "$t1" '^Sex: Male,32 \(64\.0%\)$' 'Male 32 64%'
has "$t1" '^Sex: Female,18 \(36\.0%\)$' 'Female 18 36%'
# Risk factor per patient (Table S1 counts patients; the report counts hips):
# read the stored hip_baseline etiology, one per patient.
per_patient=$(sqlite3 "$T/d/single-dose/study.db" "SELECT v || '=' || count(*) FROM (SELECT DISTINCT f.patient_id, i.value_text AS v FROM form f JOIN item_value i ON i.form_id = f.id WHERE f.instrument = 'hip_baseline' AND f.entry = 1 AND i.item = 'etiology') GROUP BY v ORDER BY v" | tr '\n' ' ')
[ "$per_patient" = "alcohol=8 idiopathic=15 steroid=15 trauma=12 " ] && ok ||
  bad "Table S1 Steroid 15, Alcohol 8, Trauma 12, Idiopathic 15; got $per_patient"

# --- seed 000, Abstract: HHS 65.3 -> 85.4, VAS 7.8 -> 2.8, WOMAC 65.2 -> 30.2 (18 months) ---
o="$D/outcomes.csv"
has "$o" '^Harris Hip Score,Baseline[^,]*,[0-9]+,65\.3 ± ' 'Mean HHS 65.3 at baseline'
has "$o" '^Harris Hip Score,18 months,[0-9]+,85\.4 ± ' 'to 85.4 at 18 months'
has "$o" '^VAS[^,]*,Baseline[^,]*,[0-9]+,7\.8 ± ' 'mean VAS pain scores decreased from 7.8'
has "$o" '^VAS[^,]*,18 months,[0-9]+,2\.8 ± ' 'to 2.8'
has "$o" '^WOMAC total[^,]*,Baseline[^,]*,[0-9]+,65\.2 ± ' 'WOMAC scores improved from 65.2'
has "$o" '^WOMAC total[^,]*,18 months,[0-9]+,30\.2 ± ' 'to 30.2'
# "Hip survival analysis demonstrates 90% survival rate at 18 months"
has "$D/survival.csv" '^All,18,[0-9]+,[0-9]+,90\.0 \(' '90% survival at 18 months'
# No print hides a sign (issue 15): the HHS mixed-model change at 6 weeks,
# lmerTest::lmer in R 4.2.2 (the issue's independent recomputation): 1.7,
# lower bound -0.049, p = 0.057; at 1 decimal the bound must not read 0.0.
has "$D/outcome_models.csv" '^Harris Hip Score,Linear mixed model,"[^"]*",6 weeks vs [^,]*,1\.7 \(-0\.05 to 3\.4\),.*,0\.057$' 'HHS 6 weeks: the interval crosses zero'
finish
