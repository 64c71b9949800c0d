/*
** store.h: the study database. The ONLY way in: callers never see SQL, so
** a PostgreSQL backend can be added under this interface without touching
** them (store.c speaks to a db_ops vtable, db.h).
**
** What it owns: the study (its protocol, kept verbatim), sites, the
** screening log, patients with their direct identifiers kept apart (table
** identity, never exported by default), hips, the scheduled events
** (visits, procedures, MRIs with planned dates and windows, visits with
** their actual date), form instances (an instrument at a visit, for the
** patient or one hip, an instance: "" for an ordinary form, a number for a
** repeating form's (a log), a reader for a read (store_instance.c); entry 1
** or 2; status incomplete / complete / verified / locked) with typed item
** values, and the audit trail.
**
** The write path: every write validates first, then runs in one
** transaction that also appends audit rows (who, when, which record and
** field, old value, new value, reason; each row hashed with the previous
** one, so a tampered trail is detectable) and signs the chain's length and
** head with a key kept outside the study (store_key.c), so a trail cut
** short or recomputed is detectable too. The trail records enough to
** rebuild every table: store_verify replays it and compares. On any
** refusal the transaction is rolled back and the database is exactly as it
** was. Corrections (void, amend, screen again, unwithdraw, clearing a value)
** are writes like any other: audited, with a reason.
**
** Ownership: store_open/store_create return a handle freed by store_close.
** A store_study snapshot is the caller's, freed by store_study_free; its
** strings and values are owned by the snapshot.
*/
#ifndef AVN_STORE_H
#define AVN_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include "core/date.h"
#include "core/rc.h"
#include "instruments/instrument.h"
#include "protocol/eligibility.h"
#include "protocol/protocol.h"

#define AVN_SCHEMA_VERSION 7
#define AVN_APP_ID 0x41564E31   /* "AVN1" in the SQLite header */

typedef struct store store;

/* --- lifecycle --- */
/* Creates the study and its signed checkpoint; the signing key (see
** store_key_path) is created when it does not exist yet. */
avn_rc store_create(const char *path, const protocol *p, const char *user,
                    store **out /* OUT */, avn_err *e);
/* Opens a study to write: the file is recognised as an avn study
** (application_id, user_version) before anything is written to it; an
** older schema is migrated. */
avn_rc store_open(const char *path, store **out /* OUT */, avn_err *e);
/* Opens a study to read only (SQLite read-only): nothing is ever written,
** not even to a file that turns out not to be an avn study. A study of an
** older schema is refused (a write command migrates it). */
avn_rc store_open_read(const char *path, store **out /* OUT */, avn_err *e);
/* Where the signing key is kept: $AVN_KEY, else $XDG_CONFIG_HOME/avn/
** signing.key, else $HOME/.config/avn/signing.key. */
avn_rc store_key_path(char *out, size_t n, avn_err *e);
void store_close(store *s);
/* The study's protocol (borrowed, valid until store_close). */
const protocol *store_protocol(const store *s);

/* --- screening and enrolment --- */
typedef struct store_screen_req {
  const char *code;          /* screening number, unique (core/text.h pattern) */
  avn_date date;
  const char *site;          /* NULL: the default site "main" */
  char *const *kv;           /* field=value / field.side=value */
  size_t n_kv;
  const char *user;
  bool again;                /* screen a person already in the log again (not yet
                                enrolled): the earlier attempt is kept
                                (screening_attempt), the log shows the latest */
  const char *reason;        /* required with again */
} store_screen_req;

/* Validates the values, evaluates eligibility and logs the screening,
** eligible or not. *out is filled for the caller to print (elig_result_free). */
avn_rc store_screen(store *s, const store_screen_req *r, elig_result *out /* OUT */, avn_err *e);

typedef struct store_enroll_req {
  const char *screening;     /* the screening code; must be eligible */
  const char *patient;       /* pseudonymous study id, e.g. "P001" */
  avn_date date;             /* enrolment = day 0 of the schedule */
  const char *sex;           /* "male" | "female" */
  avn_date birth;
  bool has_birth;
  const char *name, *phone;  /* direct identifiers, optional */
  const char *user;
} store_enroll_req;

avn_rc store_enroll(store *s, const store_enroll_req *r, avn_err *e);

/* Withdraws an enrolled patient from follow-up on `date` (not before
** enrolment, not in the future, not before the latest recorded visit) for
** `reason` (required). Data entered
** before stay; the schedule after the date is no longer due. Audited. */
avn_rc store_withdraw(store *s, const char *patient, avn_date date, const char *reason,
                      const char *user, avn_err *e);

/* --- corrections (store_correct.c) ---
** Each is one audited transaction with a required reason, all or nothing,
** replayed by store_verify like any other write. */

typedef struct store_form_ref {
  const char *patient, *visit, *form;
  int side;                  /* SIDE_PATIENT, SIDE_LEFT, SIDE_RIGHT */
  int entry;                 /* 1 or 2 */
  const char *instance;      /* NULL or "": the form's one instance; a repeating
                                form's number ("3": its visit need not be given,
                                visit NULL or "-"); a read's reader */
} store_form_ref;

/* Voids a form entered in error (restore = false) or restores a voided one
** (restore = true). A void form stays in the file with its values and the
** reason, but is left out of store_load (so of analysis, checks, the
** report) and cannot be changed until restored. */
avn_rc store_void(store *s, const store_form_ref *f, bool restore, const char *reason, const char *user,
                  avn_err *e);

/* --- protocol amendments (store_protocol.c) --- */

/* What re-planning the schedule did (store_protocol_amend). */
typedef struct store_replan {
  size_t patients;           /* patients whose schedule changed */
  size_t moved, added, removed;   /* events re-dated, new, dropped */
  size_t now_outside;        /* recorded visits in their old window, outside the new one
                                (out_of_window findings of avn check) */
} store_replan;

/* Replaces the study's protocol with np (same name, different text), as the
** next version in table protocol_version, audited and replayed by
** store_verify. Refused with the list of what it would orphan (a visit,
** form or item with recorded data, a recorded value the new definitions
** refuse, a screening its fields cannot read); a refusal writes nothing.
** A schedule that moves re-plans every enrolled patient's planned dates and
** windows from np, audited (action "replan"); recorded visit dates stay,
** and one now outside its window is a finding, not a refusal. On success
** the store owns np (store_protocol() returns it), *version is its number
** and *plan (may be NULL) says what was re-planned; on refusal np stays the
** caller's. np's own forms were registered when it was loaded, so after a
** refusal the registry holds them: close the store and free the registry. */
avn_rc store_protocol_amend(store *s, protocol *np, const char *reason, const char *user,
                            long *version /* OUT */, store_replan *plan /* OUT */, avn_err *e);

typedef struct store_amend_req {
  const char *patient;
  bool has_date;  avn_date date;    /* the enrolment date: the schedule moves with it */
  const char *sex;                  /* NULL: unchanged */
  bool has_birth; avn_date birth;
  const char *site;                 /* a site code; NULL: unchanged */
  const char *reason, *user;
} store_amend_req;

/* Amends enrolment details under enrolment's own rules (the date not before
** the screening, not in the future, not after a recorded visit or the
** withdrawal; the birth before enrolment and matching the age screened).
** *n_changed (may be NULL): fields changed; 0 writes nothing. */
avn_rc store_amend(store *s, const store_amend_req *r, int *n_changed /* OUT */, avn_err *e);

/* The patient's void forms, in entry order (they are not in store_load):
** fn gets each, with the reason it was voided. Strings valid during fn. */
typedef struct store_void_form {
  const char *visit, *form, *reason;
  int side, entry;
  const char *instance;      /* "" for a form's one instance */
} store_void_form;
typedef int (*store_void_fn)(void *ctx, const store_void_form *f);
avn_rc store_each_void(store *s, const char *patient, store_void_fn fn, void *ctx, avn_err *e);

/* Acknowledges a protocol deviation: `finding` is its monitor id
** ("deviation/PATIENT/VISIT/FORM/HIP/FIELD"); the caller has checked it
** is an open deviation (the monitor lives above the store). Stored in
** deviation_ack and audited (record "finding ID", field "ack"). Refused:
** no reason, not a deviation id, already acknowledged. */
avn_rc store_ack_deviation(store *s, const char *finding, const char *reason, const char *user, avn_err *e);

typedef struct store_adjudicate_req {
  const char *patient, *visit, *form;
  int side;                  /* SIDE_PATIENT, SIDE_LEFT, SIDE_RIGHT */
  const char *item, *value;  /* the value settled on: one entry's or another */
  const char *reason, *user;
  const char *instance;      /* NULL: the form's one instance; a read's reader */
} store_adjudicate_req;

/* Settles one value of a double-entered form (protocol double_entry; not
** two independent reads, which go to a consensus read) on which entries 1
** and 2 differ. The adjudicator must be a third person: neither entry's
** user (from the audit trail). The value is validated as entry validates
** it. Stored in adjudication (a second adjudication of the item replaces
** the first, with a reason), audited as record "patient P / visit V / FORM
** [hip] / adjudication", field ITEM. Refused: no reason; no such form or
** no entry 2; entries that agree on the item; a value the item refuses;
** the adjudicator typed one of the entries. */
avn_rc store_adjudicate(store *s, const store_adjudicate_req *r, avn_err *e);


/* Reverses a withdrawal (the patient is back in follow-up). */
avn_rc store_unwithdraw(store *s, const char *patient, const char *reason, const char *user, avn_err *e);

/* --- visits --- */
typedef struct store_visit_req {
  const char *patient;       /* the study id, e.g. "P001" */
  const char *visit;         /* a protocol visit name, e.g. "w2" */
  avn_date date;             /* the day the visit took place */
  const char *user;
  const char *reason;        /* required to change a recorded date; else NULL */
} store_visit_req;

typedef enum store_visit_change {
  STORE_VISIT_SAME,          /* that date was already recorded: nothing written */
  STORE_VISIT_NEW,           /* the first date recorded for the visit */
  STORE_VISIT_CHANGED        /* a recorded date replaced (with the reason) */
} store_visit_change;

/* Records that a visit took place on r->date without entering a form (a
** visit that collects none, e.g. a wound check, or a visit whose forms come
** later). The rules are avn enter's for its --date, in one place: the
** patient is enrolled, the visit is one of the protocol's, the date is not
** before enrolment, not in the future and not after the patient's
** withdrawal, and changing a recorded date needs a reason. Audited like
** avn enter's visit date (action "visit", field "date"). All or nothing,
** also inside a batch. *out (may be NULL) says what was written. */
avn_rc store_visit(store *s, const store_visit_req *r, store_visit_change *out /* OUT */, avn_err *e);

/* Batch mode for bulk loads (demo, imports): store_begin opens one
** transaction that the following writes join (each write still validates
** and is still all-or-nothing, through a savepoint); store_commit ends it.
** Without it every write is its own durable transaction. */
avn_rc store_begin(store *s, avn_err *e);
avn_rc store_commit(store *s, avn_err *e);
/* Ends the batch and undoes every write made in it, as if none had been
** made (an import with a refused row loads nothing). No-op without one. */
void store_abort(store *s);

/* --- data entry --- */
typedef struct store_enter_req {
  const char *patient;
  const char *visit;
  const char *form;
  int side;                  /* SIDE_PATIENT, SIDE_LEFT, SIDE_RIGHT */
  int entry;                 /* 1, or 2 for the second of a double entry */
  char *const *kv;           /* item=value */
  size_t n_kv;
  bool has_date;             /* the visit's actual date */
  avn_date date;
  const char *user;
  const char *reason;        /* required to change a recorded value; given with new
                                values it is audited with them too (their source) */
  bool unscheduled;          /* the form is collected at a visit whose protocol
                                schedule does not list it (marked; else refused) */
  /* Instances (store_instance.c). A repeating form (inst_repeats): new_instance
  ** adds the patient's next numbered instance (visit NULL or "-": at no
  ** visit); instance "N" changes instance N (its visit need not be given).
  ** A form with reads (inst_reader_item): instance is the reader (NULL: the
  ** reader item's value), "consensus" the consensus read. NULL otherwise. */
  const char *instance;
  bool new_instance;
  bool has_if_version;       /* the save is made from what the user read: */
  int64_t if_version;        /* the form's version then (0: no form yet). If
                                another save came between, a value this one
                                would overwrite is a conflict (AVN_E_STATE
                                naming the item, both values and who) */
} store_enter_req;

typedef struct store_enter_result {
  int64_t form_id;
  char instance[64];         /* the instance written ("" for a form's one instance) */
  char visit[64];            /* its visit ("" for none) */
  int n_new, n_changed, n_same, n_cleared;   /* n_cleared: recorded values blanked (with a reason) */
  bool complete;
  int64_t version;           /* the form's version after the save */
} store_enter_result;

avn_rc store_enter(store *s, const store_enter_req *r, store_enter_result *out /* OUT */,
                   avn_err *e);
/* Lets database role read site's rows, and no other site's, with any SQL
** (PostgreSQL row-level security, store_grant.c). PostgreSQL studies only;
** an administrator's act in a study with named users; the role must exist.
** Audited under user (store_writer). */
avn_rc store_grant_site(store *s, const char *site, const char *role, const char *user, avn_err *e);
/* The inverse: role no longer reads site's rows (and, left with no site,
** nothing of the study). AVN_E_NOTFOUND when role has no grant for site;
** nothing is then written. Audited like a grant (action "revoke"). */
avn_rc store_revoke_site(store *s, const char *site, const char *role, const char *user, avn_err *e);

/* --- copying a study between databases (store_copy.c) --- */
typedef struct store_copy_result {
  int64_t tables, rows, audit_rows;
} store_copy_result;
/* Copies the study at from (a file or a postgresql:// URI) into a new
** database to (a file that must not exist, or an empty PostgreSQL
** database): the same schema, every row with its id, the audit trail and
** checkpoint as they are. Reads from one snapshot; writes in one
** transaction (nothing is left behind on failure). AVN_E_SCHEMA for a
** table this avn does not know. */
avn_rc store_copy(const char *from, const char *to, store_copy_result *out /* OUT */, avn_err *e);
/* One site's part of the study at from in a new file to (store_part.c):
** the site's rows and the audit records about them, checked by
** store_each_audit as a part. AVN_E_NOTFOUND for an unknown site; a failed
** part leaves no file. out->audit_rows: the records kept. */
avn_rc store_dump_site(const char *from, const char *to, const char *site, store_copy_result *out /* OUT */,
                       avn_err *e);
/* A consistent copy of the study at from in a new file to, while others
** write (store_backup.c): a file by SQLite's online backup API (online,
** pages copied), a postgresql:// study by store_copy's snapshot. */
typedef struct store_backup_result {
  bool online;
  int64_t pages, audit_rows;
} store_backup_result;
avn_rc store_backup(const char *from, const char *to, store_backup_result *out /* OUT */, avn_err *e);

/* A form's row version (0 when the form does not exist): what a user
** reads before editing, passed back as store_enter_req.if_version.
** instance: NULL or "" for a form's one instance; a log's number or a
** read's reader otherwise (visit "" or "-" for a log entry at no visit). */
avn_rc store_form_version(store *s, const char *patient, const char *visit, const char *form, int side,
                          const char *instance, int entry, int64_t *version /* OUT */, avn_err *e);

/* --- reading: one snapshot, a fixed number of queries --- */
typedef struct store_patient {
  int64_t id;
  char *code, *site, *sex, *status, *screening;
  avn_date enrolled, birth;
  bool has_birth;
  bool hip[3];               /* by side */
  char *hip_stage[3];
  bool withdrawn;            /* status 'withdrawn' */
  avn_date withdrawn_on;     /* when withdrawn */
  char *withdraw_reason;
} store_patient;

typedef struct store_event {
  size_t patient;            /* index into patients */
  char *kind, *name, *visit; /* kind: visit | procedure | mri */
  int side;                  /* per-hip events: the hip; else SIDE_PATIENT */
  avn_date planned, earliest, latest;
  bool has_actual;
  avn_date actual;           /* visits only */
} store_event;

typedef struct store_form {
  int64_t id;
  size_t patient;
  char *visit, *instrument, *status;
  int side, entry;
  char *instance;            /* "" for a form's one instance; "1", "2" ... for a
                                repeating form's; the reader for a read */
  bool unscheduled;          /* entered at a visit that does not schedule it */
  char *user;                /* who entered it (its audit "create" row); whole-study loads only, else NULL */
  const inst_def *def;
  inst_value *values;        /* item names borrowed from def; text owned */
  size_t n_values;
} store_form;

typedef struct store_screening {
  char *code, *site, *date, *patient;  /* patient NULL until enrolled */
  bool eligible;
  char *failed;              /* comma-separated failed criteria (side in brackets) */
} store_screening;

typedef struct store_ack {
  char *finding, *reason, *user, *at;   /* finding: a monitor id (monitor.h) */
} store_ack;

typedef struct store_adjudication {
  size_t patient;            /* index into patients */
  char *visit, *form, *item, *value, *reason, *user;
  int side;
  char *instance;            /* "" or a read's reader */
} store_adjudication;

typedef struct store_study {
  const protocol *protocol;  /* borrowed from the store */
  store_patient *patients;     size_t n_patients;
  store_event *events;         size_t n_events;
  store_form *forms;           size_t n_forms;
  store_screening *screenings; size_t n_screenings;
  store_form **form_index;   /* forms sorted by (patient, visit, instrument, side, instance, entry);
                                instances compare by store_instance_cmp */
  size_t *form_first;        /* [n_patients + 1]: patient p's forms are form_index[form_first[p] ..
                                form_first[p + 1]), so a lookup searches one patient's; NULL: the whole index */
  store_ack *acks;           size_t n_acks;   /* sorted by finding (strcmp); whole-study loads only */
  store_adjudication *adjudications; size_t n_adjudications;   /* sorted (store_find_adjudication) */
  struct _GStringChunk *strings;   /* glib's: the strings of the patients, hips, events, forms and
                                      values above (not of screenings, acks, adjudications) */
} store_study;

/* Loads the whole study, or one patient (patient != NULL; AVN_E_NOTFOUND if
** there is no such patient). */
avn_rc store_load(store *s, const char *patient, store_study **out /* OUT */, avn_err *e);
/* The next `max` patients (by internal id, ascending) after the patient
** whose id is `after` (0 to start), with their hips, forms, values and
** adjudications but no events (n_events = 0) and no screening log: exports
** stream a study of any size through it in a fixed number of queries per
** chunk. n_patients = 0 at the end. */
avn_rc store_load_next(store *s, int64_t after, size_t max, store_study **out /* OUT */, avn_err *e);
/* Widths for writers that size string columns before their first row
** (SPSS, Stata, SAS transport; issue-frame): the widest stored text, in
** bytes, of the identifiers, fn(visit NULL, form NULL, side, name) for
** "patient", "site", "status", "withdraw_reason" and "stage", and of the
** items named (items[k] of instrument forms[k]) per visit and hip,
** fn(visit, form, side, item) per group that has a value (adjudicated
** values included). Aggregate queries, not a load: O(forms of those
** instruments). fn returns nonzero to stop. */
typedef int (*store_width_fn)(void *ctx, const char *visit, const char *form, int side, const char *item,
                              size_t bytes);
avn_rc store_text_widths(store *s, const char *const *forms, const char *const *items, size_t n,
                         store_width_fn fn, void *ctx, avn_err *e);
/* A patient's direct identifiers (kept apart from study data, in table
** identity; never in a snapshot, a report or an export). *name and *phone
** are the caller's (avn_free), NULL when not recorded. AVN_E_NOTFOUND when
** there is no such patient. */
avn_rc store_contact(store *s, const char *patient, char **name /* OUT */, char **phone /* OUT */, avn_err *e);

/* How many patients are enrolled and how many hips they bring. */
avn_rc store_count_units(store *s, size_t *patients /* OUT */, size_t *hips /* OUT */, avn_err *e);
void store_study_free(store_study *st);

/* The adjudicated value of an item of an instance ("" or NULL: the form's
** one instance), or NULL (O(log n)). */
const store_adjudication *store_find_adjudication(const store_study *st, size_t patient, const char *visit,
                                                  const char *form, int side, const char *instance, const char *item);

/* true when the form takes independent reads (its definition names a
** reader item) and the two entries name different readers. */
bool store_independent_reads(const store_form *f1, const store_form *f2);

/* What analysis may use of double-entered forms, in place: for each form
** entered twice by the same reader, a value on which the entries differ is
** replaced in both by its adjudication, or else marked missing in both
** (unresolved). Forms without an entry 2 are left as entry 1 has them.
** Counts are added to *out (may be NULL). Called by the report and by the
** analysis dataset (frame.c, chunk by chunk); never by the monitor, the
** long CSV or ODM (they need the raw entries). */
typedef struct store_settle_result {
  size_t agreed, adjudicated, unresolved;   /* values, over the pairs */
} store_settle_result;
avn_rc store_settle(store_study *st, store_settle_result *out);

/* The form (patient index, visit, instrument, side, entry) analysis uses, or
** NULL. O(log n + instances). For an ordinary form its one instance; for a
** form with reads the consensus read when there is one, else the read made
** first (lowest id); for a repeating form the first of its instances at the
** visit (walk st->forms for the log). */
const store_form *store_find_form(const store_study *st, size_t patient, const char *visit,
                                  const char *instrument, int side, int entry);
/* Exactly the instance named ("" for an ordinary form's one), or NULL. O(log n). */
const store_form *store_find_instance(const store_study *st, size_t patient, const char *visit,
                                      const char *instrument, int side, const char *instance, int entry);
/* Every form of (patient, visit, instrument, side): its instances and
** entries, in index order, as *out[0 .. return value) (borrowed from the
** snapshot). O(log n). */
size_t store_form_group(const store_study *st, size_t patient, const char *visit, const char *instrument, int side,
                        const store_form *const **out /* OUT */);
/* The order of instances: "" first, then numbers by value (2 < 10), then
** names as strcmp orders them. */
int store_instance_cmp(const char *a, const char *b);
/* The reader name of a consensus read. */
#define STORE_CONSENSUS "consensus"
/* Whether a scheduled event happened: a visit has its date; a procedure or
** an MRI has its form ("procedure" / "mri") at its visit for its hip. */
bool store_event_done(const store_study *st, const store_event *ev);
/* Whether the patient's hip (SIDE_LEFT/RIGHT) was converted to total hip
** arthroplasty (a `tha` form dated) on or before `on`. O(visits log n). */
bool store_hip_converted(const store_study *st, size_t patient, int side, avn_date on);
/* "done", "withdrawn" (the patient left before its window opened),
** "converted" (a per-hip event after that hip's arthroplasty), "overdue"
** (window closed), "due" (in window) or "upcoming". A visit is done when its
** date is recorded (avn enter, or avn visit for a visit that collects no
** form), whatever forms it collects. */
const char *store_event_status(const store_study *st, const store_event *ev, avn_date today);

/* --- audit trail --- */
typedef struct store_audit_row {
  int64_t id;
  const char *at, *user, *action, *record, *field, *old_value, *new_value, *reason, *hash;
} store_audit_row;

typedef int (*store_audit_fn)(void *ctx, const store_audit_row *row);

/* What a check of the trail found. */
typedef struct store_chain {
  int64_t rows;              /* audit rows */
  char head[65];             /* the last row's hash ("" when there is none) */
  bool chain_ok;             /* every row matches its hash, ids run 1..rows */
  int64_t bad_row;           /* the first row that does not, when !chain_ok */
  bool checkpoint_ok;        /* the signed checkpoint matches rows and head */
  char checkpoint[256];      /* what was found about it, in words */
  char key[17];              /* fingerprint of the key it was checked with */
  /* A site's part (avn dump --site, store_part.c): its rows are the site's
  ** records of a longer chain; each row is checked against the hash of its
  ** predecessor in the whole chain, and the checkpoint against the whole. */
  int64_t whole_rows;        /* the whole chain's length; 0: not a part */
  char part_site[64];        /* the site whose part this is */
} store_chain;

/* Streams audit rows in order (record_like: substring filter or NULL),
** verifying the hash chain and the signed checkpoint: *chain (may be NULL)
** says what was found; AVN_E_STATE when either fails (after streaming). */
avn_rc store_each_audit(store *s, const char *record_like, store_audit_fn fn, void *ctx,
                        store_chain *chain /* OUT */, avn_err *e);
/* The trail's length and head as stored (rows and head of *out; nothing
** verified, the rest zero): one query, for a report's subtitle, whatever
** the trail's size. */
avn_rc store_audit_head(store *s, store_chain *out /* OUT */, avn_err *e);

/* One difference between the state the trail implies and a table. */
typedef struct store_diff {
  const char *record;        /* "patient P001", "patient P001 / visit m1 / vas left / entry 1" */
  const char *field;         /* "sex", an item name, "protocol_yaml" (a BLAKE2b fingerprint) */
  const char *audit;         /* what the replayed trail says; NULL: no such fact */
  const char *table;         /* what the table holds; NULL: no such row */
} store_diff;
typedef int (*store_diff_fn)(void *ctx, const store_diff *d);

typedef struct store_verify_result {
  store_chain chain;
  bool file_ok;              /* PRAGMA quick_check said ok */
  char file[256];            /* its first complaint otherwise */
  size_t n_diffs;
} store_verify_result;

/* Replays the whole trail into the state it implies (study and protocol,
** sites, screenings, patients, hips, the schedule, visit dates, forms and
** values, withdrawals, users with their sites, sessions) and compares it with every table, each difference
** to fn in (record, field) order; also checks the file (quick_check), the
** chain and the checkpoint. AVN_OK when all agree; else AVN_E_STATE. */
avn_rc store_verify(store *s, store_diff_fn fn, void *ctx, store_verify_result *out /* OUT */, avn_err *e);
/* PRAGMA quick_check: AVN_OK, or AVN_E_CORRUPT with its first complaint. */
avn_rc store_quick_check(store *s, avn_err *e);

const char *store_user_default(void);   /* $AVN_USER, else $USER, else "unknown" */

/* --- sites, users and sessions (store_user.c) ---
** A study has named users (accounts) once its first administrator exists
** (avn init --admin, or store_user_add on a study made without one). Until
** then it is single-user: every write is made by the name the caller
** passes (--user / AVN_USER), as before accounts existed. From then on
** every write acts as the user of the session opened by store_login or
** store_session (the name given in a request is ignored), and a write
** without one is refused. Each user has one role and works at one or more
** sites. Passwords are stored only as libsodium Argon2id strings; a
** session only as the BLAKE2b hash of its random token. Every change here
** is audited and replayed by store_verify ("user NAME", "session HASH16"). */
typedef enum store_role {
  STORE_ROLE_ADMIN, STORE_ROLE_INVESTIGATOR, STORE_ROLE_DATA_ENTRY, STORE_ROLE_MONITOR,
  STORE_ROLE_STATISTICIAN, STORE_ROLE_SAFETY_BOARD, STORE_ROLE_N
} store_role;
/* "administrator", "investigator", "data_entry", "monitor", "statistician", "safety_board". */
const char *store_role_name(store_role r);
/* The role by name, or -1. */
int store_role_parse(const char *name);

#define STORE_PASSWORD_MIN 8      /* bytes */
#define STORE_PASSWORD_MAX 256
#define STORE_SESSION_HOURS 8     /* a session's default lifetime */

/* Whether the study has accounts (then every write needs a session). */
bool store_has_accounts(const store *s);
/* The session's user name and role, or NULL / -1 without a session. */
const char *store_actor(const store *s);
int store_actor_role(const store *s);

/* Adds a site (code: core/text.h identifier; name: one line). Administrators only. */
avn_rc store_site_add(store *s, const char *code, const char *name, const char *user, avn_err *e);
typedef struct store_site_row { char *code, *name; } store_site_row;
avn_rc store_sites(store *s, store_site_row **out /* OUT */, size_t *n /* OUT */, avn_err *e);
void store_sites_free(store_site_row *v, size_t n);

/* The rules for a new user's name and password, with no database access
** (so avn init can refuse before it creates a file). */
avn_rc store_user_check(const char *name, const char *password, avn_err *e);

typedef struct store_user_req {
  const char *name;          /* a user name (core/text.h), unique case-insensitively */
  const char *role;          /* store_role_name */
  const char *const *sites;  /* site codes, at least one */
  size_t n_sites;
  const char *password;      /* plain text, hashed here (Argon2id) and forgotten */
  const char *user;          /* who adds, in a study without accounts yet */
} store_user_req;
/* Adds a user. Administrators only, except the first user of a study,
** who must be an administrator and becomes the session's user. */
avn_rc store_user_add(store *s, const store_user_req *r, avn_err *e);
/* Disables a user (kept, named in the trail; their sessions end). Administrators only, not oneself. */
avn_rc store_user_disable(store *s, const char *name, const char *reason, avn_err *e);
/* Sets a user's password: an administrator for anyone, a user for themself. */
avn_rc store_user_passwd(store *s, const char *name, const char *password, avn_err *e);

typedef struct store_user_row { char *name, *role, *sites; bool disabled; } store_user_row;
/* Users by name; sites comma-separated, sorted. */
avn_rc store_users(store *s, store_user_row **out /* OUT */, size_t *n /* OUT */, avn_err *e);
void store_users_free(store_user_row *v, size_t n);

/* Checks name and password, opens a session valid for `hours` (1..24) and
** makes it this handle's: token (64 hex digits) is the caller's to keep
** secret. Audited (action "login"). A wrong password or a disabled user
** are refused alike, naming the user. */
avn_rc store_login(store *s, const char *name, const char *password, int hours, char token[65], avn_err *e);
/* Resumes the session whose token is given (unexpired, user not disabled):
** writes through this handle act as its user, reads default to the
** purpose "read" (store_read_as). Writes nothing. A NULL token drops the
** handle's user (a server between requests): AVN_OK, no query. Inside a
** batch (store_begin) a session is read once: its transaction holds the
** write lock, so nobody ends it before the batch commits. */
avn_rc store_session(store *s, const char *token, avn_err *e);
/* Ends this handle's session. Audited (action "logout"). */
avn_rc store_logout(store *s, avn_err *e);
/* A site's part of a study (avn dump --site) is read, never written, so
** its users read it offline without a session row. store_part_site: the
** part's site code ("" when the study is not a part). store_part_login
** checks name and password against the part's users (a wrong password or a
** disabled user refused alike) and gives a token that store_session accepts
** on this part until hours (1..24) from now: a keyed hash of the user, the
** expiry and the part, keyed by the user's stored password hash, so it
** holds no secret the file does not. It writes nothing and is not audited
** (a part cannot be). */
#define STORE_TOKEN_MAX 191   /* bytes of a session token (a part's is the longest) */
avn_rc store_part_site(store *s, char site[64] /* OUT */, avn_err *e);
avn_rc store_part_login(store *s, const char *name, const char *password, int hours,
                        char token[STORE_TOKEN_MAX + 1] /* OUT */, avn_err *e);
/* Whether the session's user may take action ("read", "contact", or an
** audit action such as "enter") on patient (NULL: the role alone); "read":
** every role but the safety board, at the user's own sites (administrators
** at every site; see store_read_as). Refusals name
** the user, role, action, patient and site. AVN_OK in a study without
** users. Roles: administrator everything at every site; investigator and
** data_entry change data (and see contact details) at their own sites;
** monitor sees contact details at their sites and changes no data;
** statistician and safety_board read only (never contact details; the
** safety board reads safety data only, "read_safety"); "export_identified"
** (an export with birth and enrolment dates) every role but those two. */
avn_rc store_permit(store *s, const char *action, const char *patient, avn_err *e);
/* Reading, in a study with accounts: every read (store_load,
** store_load_next, store_queries, store_each_audit, store_contact) needs a
** session and shows the session user's sites only (administrators every
** site); a snapshot simply holds no patient, screening or query of another
** site. What the reads are for decides whether the role may: "read" (the
** study's data; the default) every role but the safety board;
** "read_safety" (the safety board's report: adverse events, conversions,
** deviations, enrolment and follow-up) every role; store_verify (the whole
** trail replayed) administrators only. store_read_as declares the purpose
** for the reads that follow on this handle, refused (naming user, role and
** action) when the role may not. AVN_OK in a study without users. The
** purpose lasts until the next store_session. */
avn_rc store_read_as(store *s, const char *action, avn_err *e);

/* --- queries on a field (store_query.c) ---
** A query is about a patient and, as far as given, a visit, a form (with
** its hip) and an item; it has a thread of messages and a status: open,
** answered (by whoever enters the data), closed. Who: open by an
** administrator, investigator or monitor; answer by an administrator,
** investigator or data_entry; close by an administrator or monitor; each
** at the patient's site. Audited as "query N". */
typedef struct store_query_ref {
  const char *patient;       /* required */
  const char *visit, *form;  /* NULL: not given; a form needs its visit */
  int side;                  /* SIDE_PATIENT or the form's hip */
  const char *item;          /* NULL, or an item of the form */
} store_query_ref;
avn_rc store_query_open(store *s, const store_query_ref *q, const char *message, const char *user,
                        int64_t *id /* OUT, may be NULL */, avn_err *e);
/* A message that answers the query (status answered). Refused on a closed query. */
avn_rc store_query_answer(store *s, int64_t id, const char *message, const char *user, avn_err *e);
/* Closes the query with a last message. Refused on a closed query. */
avn_rc store_query_close(store *s, int64_t id, const char *message, const char *user, avn_err *e);
typedef struct store_query_msg { char *user, *at, *text; } store_query_msg;
typedef struct store_query_row {
  int64_t id;
  char *on, *status;         /* on: "patient P1 / visit m1 / hhs left / pain" */
  store_query_msg *messages; size_t n_messages;
} store_query_row;
/* Queries by id with their threads; patient and status (may be NULL) filter. */
avn_rc store_queries(store *s, const char *patient, const char *status, store_query_row **out /* OUT */,
                     size_t *n /* OUT */, avn_err *e);
void store_queries_free(store_query_row *v, size_t n);

/* --- verification, signatures, locks (store_monitor.c) --- */
/* Source data verification of a complete form (status verified). A
** monitor's or an administrator's, at the patient's site. A later change
** of a value returns the form to complete (store_enter). */
avn_rc store_sdv(store *s, const store_form_ref *f, const char *user, avn_err *e);
/* An investigator's signature of a visit (visit NULL: the whole casebook)
** with its meaning ("I confirm these data are accurate"), the password
** entered again. Needs named users. A later change to the patient's data
** in that visit (any change, for the casebook) deletes the signature,
** audited (action "unsign"). */
avn_rc store_sign(store *s, const char *patient, const char *visit, const char *meaning, const char *password,
                  avn_err *e);
/* Locks (unlock: unlocks) with a reason: a form (its status 'locked'; an
** unlock gives back the status it had), a patient's casebook, the study
** (the data freeze: no data change anywhere until unlocked). Form and
** patient: an administrator or an investigator at the patient's site;
** the study: an administrator. */
avn_rc store_lock_form(store *s, const store_form_ref *f, bool unlock, const char *reason, const char *user,
                       avn_err *e);
avn_rc store_lock_patient(store *s, const char *patient, bool unlock, const char *reason, const char *user,
                          avn_err *e);
avn_rc store_lock_study(store *s, bool unlock, const char *reason, const char *user, avn_err *e);
typedef struct store_lock_info {
  bool locked;
  char at[32], by[80], reason[1024];
} store_lock_info;
/* Whether the study is locked, since when, by whom and why. */
avn_rc store_study_lock(store *s, store_lock_info *out /* OUT */, avn_err *e);

/* AVN_OK when password is the session user's (a signature re-enters it). */
avn_rc store_password_check(store *s, const char *password, avn_err *e);

#endif
