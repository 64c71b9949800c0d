/*
** store_grant.c: PostgreSQL row-level security, the second wall between
** sites (the first is the store's own check of every query and write by
** the user's sites, store_user.c).
**
** store_grant_site lets a database role (made by the server's
** administrator: CREATE ROLE north_reader LOGIN PASSWORD ...) read one
** site's rows with any SQL it likes: the site, its screenings and
** patients, and everything hanging off them (identity, hips, schedule,
** forms and values, adjudications, queries and their messages,
** signatures), plus the study's protocol. Every patient table gets a
** policy that keeps only rows of the sites listed for current_user in
** avn_site_role; children follow their patient (a policy's subquery on
** patient is itself filtered). Tables not granted (audit, accounts,
** sessions, acknowledgements, checkpoint) stay closed to the role. The
** study's owner (the role avn connects as) owns the tables and is not
** subject to the policies.
**
** A database permission, not study data, but audited: each grant is an
** audit row (action "grant", record "site CODE", field "grant role ROLE",
** new value "select") in the same transaction, so the trail says who let
** which role read a site and when. avn dump / backup do not copy the
** permission itself (a file has no roles), so the replay (store_verify.c)
** leaves these rows out: they are chained and signed, not replayed.
**
** store_revoke_site is the inverse: the role's row for the site leaves
** avn_site_role (the policies read it, so the role sees none of the site's
** rows from its next statement on), and when the role has no site left its
** SELECT grants go too. The policies stay: they are the tables', shared by
** every role. Audited the same way (action "revoke", the same record and
** field, old value "select"); a role without a grant for the site is
** refused and nothing is written.
*/
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "store/store_int.h"

/* Each patient table and the rows a site role sees in it. */
static const struct {
  const char *table, *rows;
} site_tables[] = {
    {"site", "id IN (SELECT site_id FROM avn_site_role WHERE role_name = current_user)"},
    {"screening", "site_id IN (SELECT site_id FROM avn_site_role WHERE role_name = current_user)"},
    {"screening_attempt", "site_id IN (SELECT site_id FROM avn_site_role WHERE role_name = current_user)"},
    {"patient", "site_id IN (SELECT site_id FROM avn_site_role WHERE role_name = current_user)"},
    {"identity", "patient_id IN (SELECT id FROM patient)"},
    {"hip", "patient_id IN (SELECT id FROM patient)"},
    {"event", "patient_id IN (SELECT id FROM patient)"},
    {"form", "patient_id IN (SELECT id FROM patient)"},
    {"item_value", "form_id IN (SELECT id FROM form)"},
    {"adjudication", "patient_id IN (SELECT id FROM patient)"},
    {"query", "patient_id IN (SELECT id FROM patient)"},
    {"query_message", "query_id IN (SELECT id FROM query)"},
    {"signature", "patient_id IN (SELECT id FROM patient)"},
};

/* What every granted role reads whole: the study and its protocol, and
** the table of who reads which site (the policies read it as the role). */
#define SITE_SHARED_TABLES "study, protocol_version, avn_site_role"

/* Table names and the role go into DDL, which takes no parameters: the
** role is refused unless it is a plain identifier. */
static bool plain_name(const char *s) {
  if (!s || !*s || strlen(s) > 63) return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
  return !(*s >= '0' && *s <= '9');
}

/* Whether this writer may grant or revoke role anything: a server's study,
** a plain role name, an administrator. */
static avn_rc grant_check(store *s, const char *role, const char *act, avn_err *e) {
  if (!db_is_uri(s->path))
    return avn_fail(e, AVN_E_STATE, s->path, NULL, "database roles are PostgreSQL's: a study file has none "
                    "(avn migrate it to a server first)");
  if (!plain_name(role))
    return avn_fail(e, AVN_E_PARSE, "role", role, "must be a database role name: lower-case letters, digits "
                    "and '_', not starting with a digit, up to 63");
  if (store_has_accounts(s) && store_actor_role(s) != STORE_ROLE_ADMIN)
    return avn_fail(e, AVN_E_STATE, "role", role, "only an administrator %s a database role a site", act);
  return AVN_OK;
}

/* The site's id (*site_id, the caller frees it), and the role on the server. */
static avn_rc grant_find(store *s, const char *site, const char *role, char **site_id, avn_err *e) {
  bool found = false;
  char *hit = NULL;
  const char *p[1] = {site}, *q[1] = {role};
  avn_rc rc = store_q_one(s, "SELECT id FROM site WHERE code=?", p, 1, site_id, &found, e);
  if (!rc && !found) rc = avn_fail(e, AVN_E_NOTFOUND, "site", site, "no such site in this study");
  if (!rc) rc = store_q_one(s, "SELECT 1 FROM pg_roles WHERE rolname=?", q, 1, &hit, &found, e);
  avn_free(hit);
  if (!rc && !found)
    rc = avn_fail(e, AVN_E_NOTFOUND, "role", role, "no such database role: the server's administrator "
                  "creates it (CREATE ROLE %s LOGIN PASSWORD '...')", role);
  return rc;
}

/* The grant: the policies (made again, the same for every role), the
** role's SELECT, its row in avn_site_role. */
static avn_rc grant_rows(store *s, const char *site, const char *role, const char *site_id, avn_err *e) {
  char sql[1024];
  (void)site;
  avn_rc rc = s->db->ops->exec_script(s->db, "CREATE TABLE IF NOT EXISTS avn_site_role(role_name TEXT NOT NULL,"
                                      " site_id INTEGER NOT NULL REFERENCES site(id),"
                                      " PRIMARY KEY (role_name, site_id))", e);
  for (size_t i = 0; !rc && i < sizeof site_tables / sizeof site_tables[0]; i++) {
    snprintf(sql, sizeof sql, "ALTER TABLE %s ENABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS avn_site ON %s;"
             " CREATE POLICY avn_site ON %s FOR SELECT USING (%s); GRANT SELECT ON %s TO %s",
             site_tables[i].table, site_tables[i].table, site_tables[i].table, site_tables[i].rows,
             site_tables[i].table, role);
    rc = s->db->ops->exec_script(s->db, sql, e);
  }
  if (!rc) {
    snprintf(sql, sizeof sql, "GRANT SELECT ON " SITE_SHARED_TABLES " TO %s", role);
    rc = s->db->ops->exec_script(s->db, sql, e);
  }
  const char *q[2] = {role, site_id};
  if (!rc)
    rc = store_q(s, "INSERT INTO avn_site_role(role_name, site_id) VALUES(?,?) ON CONFLICT DO NOTHING", q, 2, NULL,
                 NULL, e);
  return rc;
}

/* The revoke: the role's row for the site, refused when there is none;
** a role left with no site keeps no SELECT on avn's tables. */
static avn_rc revoke_rows(store *s, const char *site, const char *role, const char *site_id, avn_err *e) {
  char sql[1024], *n = NULL;
  bool found = false;
  const size_t n_tables = sizeof site_tables / sizeof site_tables[0];
  /* No avn_site_role table: no role was ever granted a site. */
  avn_rc rc = store_q_one(s, "SELECT 1 FROM pg_tables WHERE schemaname = current_schema()"
                          " AND tablename = 'avn_site_role'", NULL, 0, &n, &found, e);
  avn_free(n);
  n = NULL;
  const char *q[2] = {role, site_id};
  if (!rc && found)
    rc = store_q_one(s, "SELECT 1 FROM avn_site_role WHERE role_name=? AND site_id=?", q, 2, &n, &found, e);
  avn_free(n);
  n = NULL;
  if (!rc && !found)
    rc = avn_fail(e, AVN_E_NOTFOUND, "role", role, "database role %s has no grant for site %s (avn grant gives one): "
                  "nothing was revoked", role, site);
  if (!rc) rc = store_q(s, "DELETE FROM avn_site_role WHERE role_name=? AND site_id=?", q, 2, NULL, NULL, e);
  if (!rc) rc = store_q_one(s, "SELECT count(*) FROM avn_site_role WHERE role_name=?", q, 1, &n, NULL, e);
  for (size_t i = 0; !rc && n && !strcmp(n, "0") && i <= n_tables; i++) {
    snprintf(sql, sizeof sql, "REVOKE SELECT ON %s FROM %s", i < n_tables ? site_tables[i].table : SITE_SHARED_TABLES,
             role);
    rc = s->db->ops->exec_script(s->db, sql, e);
  }
  avn_free(n);
  return rc;
}

/* A grant or a revoke in one transaction with its audit row (action
** "grant": old NULL, new "select"; "revoke": the reverse), which says who
** let which role read the site, and when. */
static avn_rc grant_change(store *s, const char *site, const char *role, const char *user, bool grant, avn_err *e) {
  char *site_id = NULL, record[96], field[96];
  avn_rc rc = grant_check(s, role, grant ? "grants" : "revokes", e);
  if (rc) return rc;
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  rc = grant_find(s, site, role, &site_id, e);
  if (!rc) rc = (grant ? grant_rows : revoke_rows)(s, site, role, site_id, e);
  snprintf(record, sizeof record, "site %.80s", site);
  snprintf(field, sizeof field, STORE_GRANT_FIELD "%.63s", role);
  if (!rc) rc = store_audit(s, user, grant ? "grant" : "revoke", record, field, grant ? NULL : "select",
                            grant ? "select" : NULL, NULL, e);
  if (!rc) rc = store_tx_commit(s, e);
  if (rc) store_tx_rollback(s);
  avn_free(site_id);
  return rc;
}

avn_rc store_grant_site(store *s, const char *site, const char *role, const char *user, avn_err *e) {
  return grant_change(s, site, role, user, true, e);
}

avn_rc store_revoke_site(store *s, const char *site, const char *role, const char *user, avn_err *e) {
  return grant_change(s, site, role, user, false, e);
}
