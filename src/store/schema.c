/*
** schema.c: the SQLite DDL, one string per schema version (see schema.h).
** Never edit a released migration: add the next one.
**
** Design notes: codes are the user's identifiers (patient "P001", visit
** "m3"); ids are internal. Dates are ISO text (sortable, readable in the
** sqlite3 shell). item_value keeps the text as entered (normalised) and
** the number, so analysis reads numbers without parsing. side is '' for
** patient-level forms so that UNIQUE works (NULLs would be distinct).
*/
#include "store/schema.h"

static const char migration_1[] =
    "CREATE TABLE study("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  protocol_name TEXT NOT NULL, protocol_yaml TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
    "CREATE TABLE site(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT);"
    "CREATE TABLE screening("
    "  id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
    "  site_id INTEGER NOT NULL REFERENCES site(id),"
    "  screened_on TEXT NOT NULL, eligible INTEGER NOT NULL CHECK (eligible IN (0,1)),"
    "  failed TEXT NOT NULL, data TEXT NOT NULL);"
    "CREATE TABLE patient("
    "  id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
    "  site_id INTEGER NOT NULL REFERENCES site(id),"
    "  screening_id INTEGER NOT NULL UNIQUE REFERENCES screening(id),"
    "  sex TEXT NOT NULL CHECK (sex IN ('male','female')), birth_date TEXT,"
    "  enrolled_on TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','withdrawn','completed')));"
    "CREATE TABLE identity("
    "  patient_id INTEGER PRIMARY KEY REFERENCES patient(id), name TEXT, phone TEXT);"
    "CREATE TABLE hip("
    "  id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patient(id),"
    "  side TEXT NOT NULL CHECK (side IN ('left','right')), stage TEXT,"
    "  UNIQUE (patient_id, side));"
    "CREATE TABLE event("
    "  id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patient(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('visit','procedure','mri')),"
    "  name TEXT NOT NULL, visit TEXT NOT NULL, side TEXT NOT NULL DEFAULT '',"
    "  planned TEXT NOT NULL, earliest TEXT NOT NULL, latest TEXT NOT NULL, actual TEXT,"
    "  UNIQUE (patient_id, kind, name, side));"
    "CREATE TABLE form("
    "  id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patient(id),"
    "  visit TEXT NOT NULL, instrument TEXT NOT NULL, side TEXT NOT NULL DEFAULT '',"
    "  entry INTEGER NOT NULL CHECK (entry IN (1,2)),"
    "  status TEXT NOT NULL CHECK (status IN ('incomplete','complete','verified','locked')),"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    "  UNIQUE (patient_id, visit, instrument, side, entry));"
    "CREATE TABLE item_value("
    "  form_id INTEGER NOT NULL REFERENCES form(id), item TEXT NOT NULL,"
    "  value_text TEXT NOT NULL, value_num REAL, unit TEXT,"
    "  PRIMARY KEY (form_id, item));"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,"
    "  record TEXT NOT NULL, field TEXT, old_value TEXT, new_value TEXT, reason TEXT,"
    "  hash TEXT NOT NULL);"
    "CREATE INDEX form_patient ON form(patient_id);"
    "CREATE INDEX event_patient ON event(patient_id);";

/* 2: withdrawal from follow-up (date and reason; status says 'withdrawn'). */
static const char migration_2[] =
    "ALTER TABLE patient ADD COLUMN withdrawn_on TEXT;"
    "ALTER TABLE patient ADD COLUMN withdraw_reason TEXT;";

/* 3: the audit chain's signed checkpoint (store_key.c): its length n, its
** head hash, the Ed25519 public key and signature, all hex. Corrections: a
** form voided as entered in error keeps its row, with the reason
** (void_reason NOT NULL = void); a form entered at a visit that does not
** schedule it is marked unscheduled; a person screened again keeps every earlier
** attempt in screening_attempt (the screening row is the latest). */
static const char migration_3[] =
    "CREATE TABLE checkpoint("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL, head TEXT NOT NULL,"
    "  public_key TEXT NOT NULL, signature TEXT NOT NULL);"
    "ALTER TABLE form ADD COLUMN void_reason TEXT;"
    "ALTER TABLE form ADD COLUMN unscheduled INTEGER NOT NULL DEFAULT 0 CHECK (unscheduled IN (0,1));"
    "CREATE TABLE screening_attempt("
    "  id INTEGER PRIMARY KEY, screening_id INTEGER NOT NULL REFERENCES screening(id),"
    "  attempt INTEGER NOT NULL, site_id INTEGER NOT NULL REFERENCES site(id),"
    "  screened_on TEXT NOT NULL, eligible INTEGER NOT NULL CHECK (eligible IN (0,1)),"
    "  failed TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (screening_id, attempt));";

/* 4: acknowledged protocol deviations (avn check --ack): the finding's id
** (monitor_id), why it is accepted, by whom, when; adjudicated values of
** double-entered forms (avn adjudicate): one per item, the value analysis
** uses where the two entries differ. Named users (account) with one role, the sites each works at
** (account_site), and command-line sessions (session: only the token's
** BLAKE2b hash is kept, with its expiry). pw_hash is libsodium's Argon2id
** string (crypto_pwhash_str); disabled accounts keep their row (the trail
** names them). Queries on a field (query: the patient, and the visit,
** form, hip and item when given, '' otherwise) with their message thread
** (query_message, seq from 1). An investigator's signature of a visit or
** of the whole casebook (visit '') with its meaning; a change to the data
** it covers deletes it (the trail keeps it). Locks: a form's status
** 'locked', a patient's lock_reason, the study's lock (the data freeze:
** when, by whom, why). Protocol amendments (store_protocol.c): every
** version of the protocol, 1 the one the study was created with;
** study.protocol_yaml is the latest. */
static const char migration_4[] =
    "CREATE TABLE deviation_ack("
    "  id INTEGER PRIMARY KEY, finding TEXT NOT NULL UNIQUE, reason TEXT NOT NULL,"
    "  user TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE TABLE adjudication("
    "  id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patient(id),"
    "  visit TEXT NOT NULL, instrument TEXT NOT NULL, side TEXT NOT NULL DEFAULT '', item TEXT NOT NULL,"
    "  value_text TEXT NOT NULL, reason TEXT NOT NULL, user TEXT NOT NULL, at TEXT NOT NULL,"
    "  UNIQUE (patient_id, visit, instrument, side, item));"
    "CREATE TABLE account("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL CHECK (role IN ('administrator','investigator','data_entry','monitor',"
    "    'statistician','safety_board')),"
    "  pw_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE account_site("
    "  account_id INTEGER NOT NULL REFERENCES account(id), site_id INTEGER NOT NULL REFERENCES site(id),"
    "  PRIMARY KEY (account_id, site_id));"
    "CREATE TABLE session("
    "  token_hash TEXT PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES account(id),"
    "  created_at TEXT NOT NULL, expires_at TEXT NOT NULL);"
    "CREATE TABLE query("
    "  id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patient(id),"
    "  visit TEXT NOT NULL DEFAULT '', form TEXT NOT NULL DEFAULT '', side TEXT NOT NULL DEFAULT '',"
    "  item TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL CHECK (status IN ('open','answered','closed')), opened_at TEXT NOT NULL);"
    "CREATE TABLE query_message("
    "  query_id INTEGER NOT NULL REFERENCES query(id), seq INTEGER NOT NULL, user TEXT NOT NULL,"
    "  at TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (query_id, seq));"
    "CREATE TABLE signature("
    "  patient_id INTEGER NOT NULL REFERENCES patient(id), visit TEXT NOT NULL DEFAULT '',"
    "  user TEXT NOT NULL, at TEXT NOT NULL, meaning TEXT NOT NULL, PRIMARY KEY (patient_id, visit));"
    "ALTER TABLE patient ADD COLUMN lock_reason TEXT;"
    "ALTER TABLE study ADD COLUMN lock_reason TEXT;"
    "ALTER TABLE study ADD COLUMN locked_at TEXT;"
    "ALTER TABLE study ADD COLUMN locked_by TEXT;"
    "CREATE TABLE protocol_version("
    "  version INTEGER PRIMARY KEY CHECK (version >= 1), yaml TEXT NOT NULL,"
    "  amended_at TEXT NOT NULL, amended_by TEXT NOT NULL, reason TEXT NOT NULL);";

/* 5 (branch issue-dims): a form instance's own key column, instance: ''
** for the one instance of an ordinary form; "1", "2" ... for the numbered
** instances of a repeating form (an adverse-event log, concomitant
** medication), per patient; the reader's name for a read of a form that
** takes independent reads (mri), "consensus" for the consensus read. A
** repeating form's instance may belong to no visit (visit ''). The UNIQUE
** key gains the column, so form is rebuilt (ids kept); item_value, its
** only child, is rebuilt with it so that foreign keys hold throughout.
** Adjudications name the instance too. Existing reads are moved to their
** reader's instance by store_instance_migrate (store_instance.c), which
** runs right after this block; store_verify replays the same rule. */
static const char migration_5[] =
    "CREATE TABLE form5("
    "  id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patient(id),"
    "  visit TEXT NOT NULL, instrument TEXT NOT NULL, side TEXT NOT NULL DEFAULT '',"
    "  instance TEXT NOT NULL DEFAULT '',"
    "  entry INTEGER NOT NULL CHECK (entry IN (1,2)),"
    "  status TEXT NOT NULL CHECK (status IN ('incomplete','complete','verified','locked')),"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, void_reason TEXT,"
    "  unscheduled INTEGER NOT NULL DEFAULT 0 CHECK (unscheduled IN (0,1)),"
    "  UNIQUE (patient_id, visit, instrument, side, instance, entry));"
    "INSERT INTO form5(id,patient_id,visit,instrument,side,instance,entry,status,created_at,updated_at,"
    "  void_reason,unscheduled) SELECT id,patient_id,visit,instrument,side,'',entry,status,created_at,"
    "  updated_at,void_reason,unscheduled FROM form;"
    "CREATE TABLE item_value5("
    "  form_id INTEGER NOT NULL REFERENCES form5(id), item TEXT NOT NULL,"
    "  value_text TEXT NOT NULL, value_num REAL, unit TEXT,"
    "  PRIMARY KEY (form_id, item));"
    "INSERT INTO item_value5 SELECT form_id, item, value_text, value_num, unit FROM item_value;"
    "DROP TABLE item_value;"
    "DROP TABLE form;"
    "ALTER TABLE form5 RENAME TO form;"
    "ALTER TABLE item_value5 RENAME TO item_value;"
    "CREATE INDEX form_patient ON form(patient_id);"
    "CREATE TABLE adjudication5("
    "  id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patient(id),"
    "  visit TEXT NOT NULL, instrument TEXT NOT NULL, side TEXT NOT NULL DEFAULT '',"
    "  instance TEXT NOT NULL DEFAULT '', item TEXT NOT NULL,"
    "  value_text TEXT NOT NULL, reason TEXT NOT NULL, user TEXT NOT NULL, at TEXT NOT NULL,"
    "  UNIQUE (patient_id, visit, instrument, side, instance, item));"
    "INSERT INTO adjudication5(id,patient_id,visit,instrument,side,instance,item,value_text,reason,user,at)"
    "  SELECT id,patient_id,visit,instrument,side,'',item,value_text,reason,user,at FROM adjudication;"
    "DROP TABLE adjudication;"
    "ALTER TABLE adjudication5 RENAME TO adjudication;";

/* 6 (branch issue-access): an index for the double-entry rule "the second
** entry comes from a different user" (store_form.c), which asks whether the
** user wrote any audit row of the form's other entry: without it, a full
** scan of the trail at every entry of a double-entered form, O(audit rows);
** with it O(log n). Cost: one more B-tree entry per audit row (its record,
** some 40-80 bytes, and user), written with the row: O(log n) per write,
** about a third more file for the trail. */
static const char migration_6[] =
    "CREATE INDEX audit_record_user ON audit(record, user);";

/* 7 (branch issue-pg): a form's row version, 1 when created and one more
** at every save that changes it. A save made from what a user read names
** the version read (store_enter_req.if_version); another user's save in
** between is a conflict, never a silent overwrite. Existing forms start at 1. */
static const char migration_7[] = "ALTER TABLE form ADD COLUMN version INTEGER NOT NULL DEFAULT 1;";

const char *const schema_migrations[] = {migration_1, migration_2, migration_3, migration_4, migration_5,
                                             migration_6, migration_7};
const size_t schema_n_migrations = sizeof schema_migrations / sizeof schema_migrations[0];
