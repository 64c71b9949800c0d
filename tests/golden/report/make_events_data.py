#!/usr/bin/env python3
# make_events_data.py: the small hand-chosen study behind the events
# sections' tests (radiology, survival, safety, cells), written as three
# CSVs that tests/unit/report/test_events.c enters through the store API
# (store_screen / store_enroll / store_enter / store_withdraw) and that
# make_events_expected.R reads to compute R's answers:
#   events_patients.csv  patient, sex, birth, enrolled, withdrawn, reason
#   events_hips.csv      patient, side, stage (screening Steinberg stage)
#   events_forms.csv     patient, visit, form, side, entry, date, kv
#                        (kv: item=value pairs separated by ";")
# Regenerate (from the repo root; deterministic, no randomness):
#   python3 tests/golden/report/make_events_data.py
# then: Rscript tests/golden/report/make_events_expected.R
#
# Protocol: shipped `sequential` (visits baseline m1 m3 m6 m12 m18 m24; MRI at
# baseline m6 m12 m24; injections at baseline, m3, m6; limits on the cell
# product and the procedure).
#
# MRI findings are written from the stage the read should derive, by the
# Steinberg rules of src/instruments/steinberg.c (J Bone Joint Surg Br
# 1995;77:34): I normal radiograph + positive MRI; II sclerosis on the
# radiograph; III crescent sign; IV flattening (depression > 0). The stage
# number each read derives is in the `stage` column of the read's spec
# below, so the R script takes it as data (hand-derived), not by re-running
# avn's staging.
import csv
import datetime as dt
import os

HERE = os.path.dirname(os.path.abspath(__file__))
MONTHS = {"baseline": 0, "m1": 1, "m3": 3, "m6": 6, "m12": 12, "m18": 18, "m24": 24}
ORDER = ["baseline", "m1", "m3", "m6", "m12", "m18", "m24"]


def add_months(d, m):
    y, mo = d.year + (d.month - 1 + m) // 12, (d.month - 1 + m) % 12 + 1
    return dt.date(y, mo, d.day)   # enrolment days are <= 28: no clamping


# patient: sex, birth, enrolled, last attended visit, jitter (days) per visit,
# withdrawn (date or ""), satisfaction at m24 (or None)
PATIENTS = [
    ("P01", "male", "1984-03-02", "2022-01-10", "m24", 2, "", "very_satisfied"),
    ("P02", "female", "1990-07-15", "2022-01-24", "m24", -3, "", "satisfied"),
    ("P03", "male", "1979-11-30", "2022-02-07", "m12", 4, "", None),
    ("P04", "male", "1975-05-05", "2022-02-21", "m24", 1, "", "neutral"),
    ("P05", "female", "1988-09-09", "2022-03-07", "m12", -2, "", None),
    ("P06", "male", "1992-12-12", "2022-03-21", "m24", 3, "", "very_satisfied"),
    ("P07", "male", "1981-01-20", "2022-04-04", "m24", -1, "", "dissatisfied"),
    ("P08", "female", "1970-06-18", "2022-04-18", "m18", 2, "", None),
    ("P09", "male", "1986-02-25", "2022-05-02", "m24", 0, "", "very_satisfied"),
    ("P10", "male", "1977-08-08", "2022-05-16", "m24", -4, "", "satisfied"),
    ("P11", "female", "1995-04-04", "2022-05-30", "m24", 5, "", "very_satisfied"),
    ("P12", "male", "1983-10-10", "2022-06-13", "m3", 1, "2022-10-03", None),
    ("P13", "male", "1989-03-03", "2022-06-27", "m24", -2, "", "satisfied"),
    ("P14", "female", "1980-12-01", "2022-07-11", "m18", 3, "", None),
]

ETIO = {"steroid", "idiopathic", "alcohol", "sickle_cell"}

# hip: stage, etiology, THA (date, visit it is reported at) or None,
# MRI reads {visit: (stage number derived, head_pct, depression_mm, bme, reader_stage)}
HIPS = [
    ("P01", "left", "I", "steroid", None,
     {"baseline": (1, 30, 0, "yes", "IB"), "m6": (1, 24, 0, "no", "IA"), "m12": (1, 22, 0, "no", "IA"),
      "m24": (1, 20, 0, "no", "IA")}),
    ("P01", "right", "II", "steroid", None,
     {"baseline": (2, 35, 0, "no", "IIC"), "m6": (2, 34, 0, "no", "IIC"), "m12": (2, 34, 0, "no", "IIC"),
      "m24": (2, 33, 0, "no", "IIC")}),
    ("P02", "right", "I", "idiopathic", None,
     {"baseline": (1, 25, 0, "yes", "IB"), "m6": (1, 23, 0, "no", "IB"), "m24": (1, 22, 0, "no", "IB")}),
    ("P03", "left", "II", "idiopathic", None,
     {"baseline": (2, 40, 0, "yes", "IIC"), "m6": (2, 36, 0, "yes", "IIC"), "m12": (2, 30, 0, "no", "IIB")}),
    ("P04", "left", "II", "alcohol", None,
     {"baseline": (2, 30, 0, "yes", "IIB"), "m6": (2, 30, 0, "yes", "IIB"), "m12": (3, 30, 0, "no", "IIIB"),
      "m24": (3, 31, 0, "no", "IIIB")}),
    ("P04", "right", "III", "alcohol", None,
     {"baseline": (3, 45, 0, "no", "IIIB"), "m6": (3, 44, 0, "no", "IIIB"), "m12": (4, 45, 1.0, "no", "IVA"),
      "m24": (4, 45, 1.0, "no", "IVA")}),
    ("P05", "right", "III", "sickle_cell", ("2022-11-02", "m12"),
     {"baseline": (3, 50, 0, "yes", "IIIC"), "m6": (4, 50, 2.5, "yes", "IVB")}),
    ("P06", "left", "I", "idiopathic", ("2023-01-16", "m12"),
     {"baseline": (1, 20, 0, "no", "IB"), "m6": (2, 22, 0, "no", "IIB")}),
    ("P07", "right", "II", "steroid", ("2023-06-12", "m18"),
     {"baseline": (2, 38, 0, "yes", "IIC"), "m6": (2, 38, 0, "yes", "IIC"), "m12": (3, 40, 0, "yes", "IIIC")}),
    ("P08", "left", "III", "steroid", ("2023-08-21", "m18"),
     {"baseline": (3, 42, 0, "yes", "IIIB"), "m6": (3, 42, 0, "yes", "IIIB"), "m12": (4, 44, 3.0, "no", "IVB")}),
    ("P09", "left", "II", "sickle_cell", ("2023-12-18", "m24"),
     {"baseline": (2, 33, 0, "yes", "IIC"), "m6": (2, 33, 0, "yes", "IIC"), "m12": (3, 35, 0, "yes", "IIIC")}),
    ("P09", "right", "II", "sickle_cell", None,
     {"baseline": (2, 28, 0, "yes", "IIB"), "m6": (2, 27, 0, "no", "IIB"), "m12": (2, 27, 0, "no", "IIB"),
      "m24": (2, 26, 0, "no", "IIB")}),
    ("P10", "right", "III", "idiopathic", None,
     {"baseline": (4, 40, 1.0, "no", "IVA"), "m6": (4, 40, 1.5, "no", "IVA"), "m12": (4, 41, 2.5, "no", "IVB"),
      "m24": (4, 41, 3.5, "no", "IVB")}),
    ("P11", "left", "I", "steroid", None,
     {"baseline": (1, 20, 0, "yes", "IB"), "m6": (1, 19, 0, "no", "IB"), "m12": (1, 19, 0, "no", "IB"),
      "m24": (1, 19, 0, "no", "IB")}),
    ("P12", "left", "II", "alcohol", None,
     {"baseline": (2, 25, 0, "no", "IIB")}),
    ("P13", "left", "I", "sickle_cell", None,
     {"baseline": (1, 40, 0, "yes", "IC"), "m6": (1, 34, 0, "no", "IC"), "m12": (1, 31, 0, "no", "IC"),
      "m24": (1, 30, 0, "no", "IB")}),
    ("P13", "right", "III", "sickle_cell", ("2024-04-08", "m24"),
     {"baseline": (3, 48, 0, "yes", "IIIC"), "m6": (3, 48, 0, "yes", "IIIC"), "m12": (3, 49, 0, "yes", "IIIC"),
     }),
    ("P14", "left", "II", "idiopathic", None,
     {"m6": (2, 30, 0, "no", "IIB"), "m12": (2, 29, 0, "no", "IIB")}),
]

# Second reads of the baseline MRI (entry 2): hip -> (reader, reader stage).
SECOND = {
    ("P01", "left"): ("Dr B", "IB"), ("P01", "right"): ("Dr B", "IIC"), ("P02", "right"): ("Dr B", "IIA"),
    ("P03", "left"): ("Dr B", "IIIA"), ("P04", "left"): ("Dr B", "IIB"), ("P04", "right"): ("Dr B", "IIIB"),
    ("P05", "right"): ("Dr B", "IIIC"), ("P06", "left"): ("Dr B", "IIA"), ("P07", "right"): ("Dr B", "IIC"),
    ("P08", "left"): ("Dr B", "IIIA"), ("P09", "left"): ("Dr B", "IIB"), ("P10", "right"): ("Dr B", "IIIC"),
    ("P11", "left"): ("Dr A", "IB"),   # same reader: a data-entry check, not a second read
}

# Adverse events (patient, visit reported at, term, grade, serious, related, onset)
AES = [
    ("P01", "m1", "Pain at aspiration site", 1, "no", 4, "2022-01-14"),
    ("P02", "m1", "pain at aspiration site ", 1, "no", 5, "2022-01-25"),
    ("P04", "m1", "Swelling at injection site", 2, "no", 3, "2022-03-10"),
    ("P04", "m6", "Pain at aspiration site", 1, "no", 4, "2022-05-30"),
    ("P06", "m3", "Hematoma", 2, "no", 3, "2022-04-15"),
    ("P07", "m6", "Swelling at injection site", 1, "no", 3, "2022-07-20"),
    ("P09", "m12", "Deep vein thrombosis", 3, "yes", 2, "2022-12-01"),
    ("P10", "m1", "Pain at aspiration site", 1, "no", 4, "2022-06-05"),
    ("P10", "m12", "Urinary tract infection", 2, "no", 1, "2023-03-01"),
    ("P13", "m3", "Swelling at injection site", 1, "no", 3, "2022-09-10"),   # before its m3 visit (2022-09-24)
]


def hhmm(mins):
    return "%02d:%02d" % (mins // 60 % 24, mins % 60)


def main():
    pat = {p[0]: p for p in PATIENTS}
    visit_date = {}
    for p in PATIENTS:
        code, _, _, enrol, last, jit = p[:6]
        d0 = dt.date.fromisoformat(enrol)
        for v in ORDER[: ORDER.index(last) + 1]:
            j = 0 if v == "baseline" else (jit + ORDER.index(v)) % 7 - 3
            visit_date[(code, v)] = (add_months(d0, MONTHS[v]) + dt.timedelta(days=j)).isoformat()

    with open(os.path.join(HERE, "events_patients.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["patient", "sex", "birth", "enrolled", "withdrawn", "reason"])
        for p in PATIENTS:
            w.writerow([p[0], p[1], p[2], p[3], p[6], "moved away" if p[6] else ""])
    with open(os.path.join(HERE, "events_hips.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["patient", "side", "stage"])
        for h in HIPS:
            w.writerow([h[0], h[1], h[2]])

    rows = []

    def add(patient, visit, form, side, kv, entry=1):
        rows.append([patient, visit, form, side, entry, visit_date[(patient, visit)], ";".join(kv)])

    for idx, h in enumerate(HIPS):
        code, side, stage, etio, tha, reads = h
        assert etio in ETIO
        last = pat[code][4]
        tha_visit = tha[1] if tha else None
        add(code, "baseline", "hip_baseline", side, ["etiology=" + etio, "symptomatic=yes"])
        for v in ORDER[: ORDER.index(last) + 1]:
            if tha_visit and ORDER.index(v) > ORDER.index(tha_visit):
                break
            if tha and visit_date[(code, v)] > tha[0]:
                break   # nothing on a hip after its arthroplasty (avn refuses it)
            # VAS at every attended visit: from 60-80 mm down by 15-44 mm at 24 months
            base, drop = 60 + (idx * 7) % 21, 15 + (idx * 13) % 30
            mm = base - round(drop * MONTHS[v] / 24)
            add(code, v, "vas", side, ["pain_mm=%d" % mm])
        for v, (snum, pct, dep, bme, rstage) in reads.items():
            kv = ["reader=Dr A", "read_date=" + visit_date[(code, v)], "mri_positive=yes",
                  "xray=" + ("normal" if snum == 1 else "sclerosis"),
                  "crescent_sign=" + ("yes" if snum >= 3 else "no"), "subchondral_fracture=no",
                  "flattening=" + ("yes" if snum >= 4 else "no"), "jsn=no", "acetabular_involvement=no",
                  "advanced_degeneration=no", "head_involved_pct=%g" % pct, "bme=" + bme,
                  "steinberg_reader=" + rstage]
            if dep > 0 or snum < 4:
                kv.append("depression_mm=%g" % dep)
            add(code, v, "mri", side, kv)
            if v == "baseline" and (code, side) in SECOND:
                r2, s2 = SECOND[(code, side)]
                kv2 = [("reader=" + r2) if k.startswith("reader=") else k for k in kv]
                kv2 = [("steinberg_reader=" + s2) if k.startswith("steinberg_reader=") else k for k in kv2]
                add(code, v, "mri", side, kv2, entry=2)
        if tha:
            add(code, tha[1], "tha", side, ["tha_date=" + tha[0], "reason=collapse"])
        # injections at baseline, m3, m6 while not converted and attending
        for k, v in enumerate(["baseline", "m3", "m6"]):
            if ORDER.index(v) > ORDER.index(last) or (tha and visit_date[(code, v)] > tha[0]):
                continue
            if k > 0 and idx % 4 == 3:
                continue   # some hips have fewer injections
            asp = 60 + (idx * 13 + k * 17) % 61          # 60-120 ml
            if idx == 4 and k == 0:
                asp = 130                              # deviation: above 120
            fin = 8 + (idx * 5 + k * 3) % 7              # 8-14 ml
            if idx == 9 and k == 1:
                fin = 15                               # deviation: above 14
            conc = 8 + (idx * 3 + k * 5) % 13             # x10^6/ml
            live = 900 + (idx * 37 + k * 11) % 90
            dead = 100 - (idx * 37 + k * 11) % 90
            rpm1 = 1300 if (idx == 6 and k == 0) else 1200
            t_h = 8 * 60 + (idx * 7) % 30
            t_l = t_h + 10 + (idx * 3 + k) % 20
            t_p = t_l + 45 + (idx + k) % 15
            t_i = t_p + 20 + (idx * 5 + k * 7) % 40
            add(code, v, "procedure", side,
                ["kind=" + ("cd_injection" if k == 0 else "injection_only"), "drill_mm=3.2",
                 "injected_ml=%d" % fin, "injection_min=%d" % (7 if (idx == 2 and k == 0) else 5),
                 "anaesthesia=spinal", "fluoroscopy=yes"])
            add(code, v, "cell_product", side,
                ["injection_no=%d" % (k + 1), "aspirated_ml=%d" % asp, "anticoagulant=heparin",
                 "processing=double_spin", "spin1_rpm=%d" % rpm1, "spin1_min=10", "spin1_radius_cm=15",
                 "spin2_rpm=3000", "spin2_min=7", "spin2_radius_cm=15", "mnc_conc_e6_per_ml=%d" % conc,
                 "final_ml=%d" % fin, "live_count=%d" % live, "dead_count=%d" % dead,
                 "harvest_time=" + hhmm(t_h), "lab_time=" + hhmm(t_l), "processed_time=" + hhmm(t_p),
                 "injection_time=" + hhmm(t_i)])
    for (code, v, term, grade, serious, related, onset) in AES:
        add(code, v, "ae", "patient",
            ["term=" + term, "grade=%d" % grade, "serious=" + serious,
             "related=%d" % related, "onset_date=" + onset])
    for p in PATIENTS:
        if p[7]:
            add(p[0], "m24", "satisfaction", "patient", ["satisfaction=" + p[7]])

    with open(os.path.join(HERE, "events_forms.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["patient", "visit", "form", "side", "entry", "date", "kv"])
        for r in rows:
            w.writerow(r)


if __name__ == "__main__":
    main()
