/*
** store_int.h: what the store's own files share (store.c, store_form.c,
** store_visit.c, store_read.c). Not for callers outside src/store/.
*/
#ifndef AVN_STORE_INT_H
#define AVN_STORE_INT_H

#include "store/db.h"
#include "core/text.h"
#include "store/store.h"

/* The signing key (store_key.c): loaded on first need. */
typedef struct store_key {
  unsigned char pk[32], sk[64];
  char path[1024];
  bool loaded;
  bool public_only;   /* a public key file: verifies, never signs */
} store_key;

struct store {
  db_conn *db;
  protocol *protocol;
  char path[1024];
  int batch;        /* store_begin is open: writes use savepoints */
  bool readonly;    /* store_open_read: every write is refused */
  bool audit_dirty; /* audit rows added since the last checkpoint */
  /* The audit chain's head as this write transaction left it (id, hash):
  ** read once per transaction, then kept here, since the write lock keeps
  ** others from moving it. Forgotten at every begin, commit and rollback. */
  bool head_known;
  char head_id[24], head_hash[65];
  /* Read with the head, and as lasting (only store_checkpoint writes it, at
  ** commit): whether the chain has a signed checkpoint, and its key. */
  bool cp_found;
  char cp_key[65];
  /* Per-write memos (store_tx_forget at every transaction or
  ** savepoint edge): a form's save appends a dozen audit rows for one
  ** record, and these answers cannot change within one write. */
  struct {
    char lock_ok[256];     /* the record whose lock guard passed ("" none) */
    char sign_cleared[256];/* the record whose signatures were taken away */
    char site_of[AVN_ID_MAX + 1]; /* the patient whose site was read ("" none) */
    char site[64];         /* ... and that site's code (store_user.c's record_site) */
  } memo;
  store_key key;
  bool has_accounts; /* the study has users: writes need a session (store_user.c) */
  struct {
    bool set;
    int64_t id;
    int role;
    char name[AVN_USER_MAX + 1];
    char session[65];   /* the token's hash */
    char read_as[24];   /* what reads are for (store_read_as); "" = "read" */
  } actor;
  /* The sessions this batch's transaction found valid (store_session):
  ** under the write lock nobody else can end them before it commits, and a
  ** batch writes nothing but saves, so each is read once per batch, not
  ** once per save. Forgotten with the chain head (store_tx_forget). */
  struct {
    char session[65];
    int64_t id;
    int role;
    char name[AVN_USER_MAX + 1];
    char expires[32];
  } seen[8];
  size_t n_seen;
};

/* What a write knew at a transaction or savepoint edge: the per-write
** memos (store.memo) always; head_too: what the transaction read under
** its lock as well, the chain head with the checkpoint's key and the
** sessions a batch checked (at every edge but between two writes of one
** batch, whose head only this transaction moves). The one reset, so no
** edge forgets half. */
void store_tx_forget(store *s, bool head_too);

/* Whether the session's user may make this audit row (action on record,
** a "patient ..." or "screening ..." at its site; a site change checks the
** old site too): store_audit calls it for every row, so every write obeys
** roles and sites, whatever function makes it. */
avn_rc store_audit_permit(store *s, const char *action, const char *record, const char *field, const char *old_v,
                          avn_err *e);
/* SQL for what a query is about, over query q joined to patient p: the text
** store_query.c audits as field "on" (store_verify compares the two). */
#define STORE_QUERY_ON_SQL                                                                                        \
  "('patient ' || p.code || CASE WHEN q.visit <> '' THEN ' / visit ' || q.visit ELSE '' END ||"                   \
  " CASE WHEN q.form <> '' THEN ' / ' || q.form || CASE WHEN q.side <> '' THEN ' ' || q.side ELSE '' END ELSE ''" \
  " END || CASE WHEN q.item <> '' THEN ' / ' || q.item ELSE '' END)"

/* Refuses a data change (action) to record under a lock: the study's (a
** data freeze), or the patient's casebook (store_monitor.c). A form's lock
** is its status, refused where forms are written. */
avn_rc store_lock_guard(store *s, const char *action, const char *record, avn_err *e);
/* After a change to a patient's data: deletes (audited, action "unsign")
** the signatures it touches, the casebook's and the visit's. */
avn_rc store_sign_clear(store *s, const char *user, const char *action, const char *record, avn_err *e);


/* Runs the schema migrations after version from, then writes the header
** (application id, schema version), in the caller's transaction. */
avn_rc store_run_migrations(store *s, long from, avn_err *e);

/* Reads whether the study has accounts (store_open). */
avn_rc store_accounts_load(store *s, avn_err *e);
/* The name every write is audited under: the session's user in a study
** with accounts (refused without a session), else user. */
avn_rc store_writer(store *s, const char *user, const char **out, avn_err *e);

/* Whether the session's user may read (action; NULL: what store_read_as
** declared, else "read") the patient, or the whole study (patient NULL):
** refused without a session or when the role or the site forbids it. For
** a whole-study read, *sites (n bytes) gets the SQL of the user's site ids,
** "(SELECT site_id ...)", to filter on, or "" for every site (an
** administrator, or a study without users). */
avn_rc store_read_scope(store *s, const char *patient, const char *action, char *sites, size_t n, avn_err *e);

/* Loads the key (creating it when create and it does not exist). */
avn_rc store_key_load(store_key *k, bool create, avn_err *e);
void store_key_fingerprint(const unsigned char pk[32], char out[17]);
/* Signs the chain's length and head into table checkpoint, inside the
** caller's transaction (store_tx_commit / store_commit call it). Refuses a
** key other than the one that signed the study's checkpoint so far. */
avn_rc store_checkpoint(store *s, avn_err *e);
/* Compares the signed checkpoint with the chain's rows and head, filling
** chain->checkpoint_ok / checkpoint / key. */
avn_rc store_checkpoint_check(store *s, int64_t n, const char *head, store_chain *chain, avn_err *e);

/* The audit field of a grant (store_grant.c): "grant role " ROLE. */
#define STORE_GRANT_FIELD "grant role "
/* The first part of an audit record, what a site owns: "patient P",
** "screening S", "query 7", "site C", "user U"; a finding "finding KIND/P/..."
** is its patient's. false for a finding without a patient. */
bool store_record_key(const char *record, char *key, size_t n);
/* A site's part of a study (avn dump --site, store_part.c): the whole
** chain's length and head when the part was cut, and each kept audit row's
** predecessor hash in the whole chain (sorted by id). n == 0: the study is
** not a part. store_part_free frees what store_part_load filled. */
typedef struct store_part_links {
  int64_t *id;
  char (*prev)[65];
  size_t n, cap;
  int64_t whole_rows;
  char whole_head[65];
  char site[64];
  bool nomem;
} store_part_links;
/* The part's site, whole chain's length and head only (no links); site ""
** when the study is not a part. Nothing to free. */
avn_rc store_part_head(store *s, store_part_links *out /* OUT */, avn_err *e);
avn_rc store_part_load(store *s, store_part_links *out /* OUT */, avn_err *e);
/* The predecessor's hash of row id ("" for the first row), NULL if the part
** has no link for it. O(log n). */
const char *store_part_prev(const store_part_links *l, int64_t id);
void store_part_free(store_part_links *l);

/* One write's transaction: its own BEGIN/COMMIT, or a savepoint inside an
** open batch (store_begin), so a refused write still changes nothing. */
avn_rc store_tx_begin(store *s, avn_err *e);
avn_rc store_tx_commit(store *s, avn_err *e);
void store_tx_rollback(store *s);

/* Runs sql with text parameters, rows to fn (may be NULL). */
avn_rc store_q(store *s, const char *sql, const char *const *p, size_t n, db_row_fn fn, void *ctx,
               avn_err *e);
/* Reads the audit chain's head into s->head_id / head_hash ("0" and ""
** for an empty trail), and the checkpoint's key (cp_found, cp_key),
** unless this transaction knows them already. */
avn_rc store_tx_head(store *s, avn_err *e);
/* A write whose result is not read (db.h's exec_later): on PostgreSQL it
** goes with the next statement; its failure is that statement's. */
avn_rc store_q_later(store *s, const char *sql, const char *const *p, size_t n, avn_err *e);
/* One read of store_q_rows: like store_q_row, the first row's first ncols
** columns into cols (the caller's to store_row_free; NULL without a row),
** found set when there was one; or, with fn, every row to fn. */
typedef struct store_row_read {
  const char *sql;
  const char *const *p;
  size_t n;
  char **cols;
  size_t ncols;
  db_row_fn fn;
  void *ctx;
  bool found;   /* OUT */
} store_row_read;
/* Reads that do not depend on each other's answers, in one round trip on a
** server (db.h's exec_many): a save's context under the write lock. At
** most STORE_ROWS_MAX. */
#define STORE_ROWS_MAX 16
avn_rc store_q_rows(store *s, store_row_read *r, size_t n, avn_err *e);
/* What store_audit asks of a patient's record on every row (its site, the
** locks, the signatures to clear), read with a write's other reads in one
** round trip (store_q_rows) rather than one each when the first row is
** audited: store_guard_reads appends its reads to r (three, two in a
** study without users, whose sites nobody checks; g holds their
** parameters and columns, so it lives until store_q_rows returns), and
** store_guard_take keeps the answers as this write's memos (store.memo)
** and frees the columns. A lock or a signature found is not kept: the
** write meets it where it did before (refused, or cleared and audited). */
typedef struct store_guard_read {
  char code[AVN_ID_MAX + 1], visit[64];
  const char *lock_p[1], *sign_p[3];
  char *lock[4], *sign[2], *site[1];
} store_guard_read;
size_t store_guard_reads(const store *s, const char *record, store_guard_read *g, store_row_read *r);
void store_guard_take(store *s, const char *record, store_guard_read *g, const store_row_read *r);
/* A patient's site, by study id (one parameter), and the memo that keeps it
** for the rest of the write (store_user.c). */
#define STORE_SITE_SQL "SELECT st.code FROM patient p JOIN site st ON st.id = p.site_id WHERE p.code=?"
void store_site_memo(store *s, const char *code, const char *site);
/* The chain's head and the key that signs it: always one row, the last
** audit row's id and hash (NULL, NULL for an empty trail), the checkpoint's
** id and public key (NULL, NULL before the first). Read with other reads
** (store_q_rows), its columns (four; freed) become what store_tx_head
** would read. */
#define STORE_HEAD_SQL                                                                                          \
  "SELECT a.id, a.hash, c.id, c.public_key FROM (SELECT 1 AS one) o"                                            \
  " LEFT JOIN (SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1) a ON 1 = 1"                                  \
  " LEFT JOIN checkpoint c ON c.id = 1"
void store_tx_head_take(store *s, char *cols[4]);
/* The same with typed rows (db.h), for the bulk readers. */
avn_rc store_q_typed(store *s, const char *sql, const char *const *p, size_t n, db_typed_fn fn, void *ctx,
                     avn_err *e);
/* First column of the first row (caller frees *out), or *out = NULL and
** *found = false (found may be NULL). */
avn_rc store_q_one(store *s, const char *sql, const char *const *p, size_t n, char **out,
                   bool *found, avn_err *e);
/* The first row's first ncols columns into cols[] (each owned, NULL for SQL
** NULL; all NULL when there is no row, *found false). store_row_free. */
avn_rc store_q_row(store *s, const char *sql, const char *const *p, size_t n, char **cols, size_t ncols,
                   bool *found, avn_err *e);
void store_row_free(char **cols, size_t ncols);
/* Appends one audit row, chained to the previous row's hash, inside the
** caller's transaction. */
avn_rc store_audit(store *s, const char *user, const char *action, const char *record,
                   const char *field, const char *old_v, const char *new_v, const char *reason,
                   avn_err *e);
void store_now_iso(char out[32]);
/* BLAKE2b-256 of a text, as 64 hex digits (the stored protocol's fingerprint). */
void store_text_hash(const char *text, char out[65]);
/* A hip's stage when the protocol has none (hip.stage NULL), in the trail. */
#define STORE_NO_STAGE "(none)"

/* A patient as the write path needs it: internal id and the stored ISO
** dates (birth and withdrawn NULL when not recorded). All strings owned;
** store_patient_row_free releases them. */
typedef struct store_patient_row {
  char *pid, *enrolled, *birth, *withdrawn;
} store_patient_row;

/* Looks an enrolled patient up by study id, inside the caller's
** transaction. AVN_E_NOTFOUND naming "patient" when there is none (and
** saying so when the code is a screening that was never enrolled). */
avn_rc store_patient_find(store *s, const char *code, store_patient_row *out /* OUT */, avn_err *e);
/* store_patient_find in two halves, for a caller that reads the patient
** with other things in one round trip (store_q_rows): the read (one
** parameter, the study id; four columns), then its row (cols, found) made
** into *out, or the same AVN_E_NOTFOUND. cols are freed either way. */
#define STORE_PATIENT_SQL "SELECT id, enrolled_on, birth_date, withdrawn_on FROM patient WHERE code=?"
avn_rc store_patient_take(store *s, const char *code, char *cols[4], bool found, store_patient_row *out /* OUT */,
                          avn_err *e);
void store_patient_row_free(store_patient_row *p);

/* AVN_E_UNKNOWN naming "visit" and listing the protocol's visits, unless
** name is one of them. No database access. */
avn_rc store_visit_known(const store *s, const char *name, avn_err *e);

/* The visit-date rules, the one place they live (store_visit.c); store_enter
** and store_visit call it inside their own transaction. pt is the patient
** found by store_patient_find; r->date is used when has_date; without it a
** recorded date is kept and a visit with none is refused (AVN_E_REQUIRED
** naming --date: never a silent today). Refuses a date before enrolment, in the future or
** after the withdrawal, and a change of a recorded date without r->reason;
** writes event.actual with its audit row otherwise. *out (may be NULL):
** what was written.
** on (may be NULL): the visit's row as the caller read it already, and
** the date it has after the call. */
typedef struct store_visit_on {
  bool known;      /* IN: found and actual were read by the caller (else read here) */
  bool found;      /* IN: the patient has the visit scheduled (an event row) */
  char actual[11]; /* IN: the recorded date, "" none; OUT: the date after the call */
} store_visit_on;
avn_rc store_visit_date(store *s, const store_patient_row *pt, const store_visit_req *r, bool has_date,
                        store_visit_on *on, store_visit_change *out /* OUT */, avn_err *e);

/* AVN_E_EXISTS (naming table, code and rule) when table ("screening" or
** "patient") has code already, compared case-insensitively (core/text.h). */
avn_rc store_id_unused(store *s, const char *table, const char *code, const char *rule, avn_err *e);

/* A screening's stored "field=value\n" lines back as screen_data. */
avn_rc store_reparse_screening(const protocol *p, const char *data, screen_data *d, avn_err *e);
/* The birth date agrees with the age recorded at screening (if any). */
avn_rc store_birth_check(const protocol *p, const screen_data *d, const char *screened_on, avn_date birth,
                         avn_err *e);

/* The patient's earliest (latest: latest) in-study date (THA, AE onset,
** cell harvest or injection; store_form.c), among the forms at visit when
** not NULL, as "YYYY-MM-DD form.item at visit V", or *out NULL when there is
** none. Void forms do not count. */
avn_rc store_in_study_date(store *s, const char *pid, const char *visit, bool latest, char **out, avn_err *e);

/* An item's value as stored (item_value.value_text): canonical text. */
void store_value_text(const inst_item *it, const inst_value *v, char *out, size_t n);

/* --- instances (store_instance.c) --- */
/* The audit record of a form instance: "patient P[ / visit V] / FORM[ SIDE]
** [/ instance I] / entry N" (visit and instance left out when ""; so a form's
** one instance keeps the name it had before instances; store_verify builds
** the same from the tables). */
void store_form_record(char *out, size_t n, const char *patient, const char *visit, const char *form, int side,
                       const char *instance, int entry);
/* The instance a request names is one the form can have: a number for a
** repeating form (not with new_instance), a reader name for a form with
** reads; none for other forms. No database access. */
avn_rc store_instance_check(const inst_def *d, const char *instance, bool new_instance, avn_err *e);
/* The patient's next instance number of a repeating form (1 + the highest
** used, void ones included: a number is never reused). */
avn_rc store_instance_next(store *s, const char *pid, const char *form, char out[64], avn_err *e);
/* The visit ("" for none) an instance was entered at; *found false if none. */
avn_rc store_instance_visit(store *s, const char *pid, const char *form, int side, const char *instance,
                            char **visit /* OUT */, bool *found /* OUT */, avn_err *e);
/* The form f names: c = id, status, void_reason (store_row_free); record is
** its audit name. A repeating form's instance is found by its number, its
** visit need not be given. NOTFOUND naming the record. */
avn_rc store_form_locate(store *s, const store_form_ref *f, store_patient_row *pt, char *c[3], char record[256],
                         avn_err *e);
/* Migration 5's step after its SQL: reads move to their reader's instance. */
avn_rc store_instance_migrate(store *s, avn_err *e);

#endif
