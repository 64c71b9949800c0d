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

/* Table names and the role go into DDL, which takes no parameters: the
** role is refused unless it is a plain identifier. */
static bool plain_name(const char *s) {
  if (!s || !*s || strlen(s) > 63) return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
  return !(*s >= '0' && *s <= '9');
}

avn_rc store_grant_site(store *s, const char *site, const char *role, const char *user, avn_err *e) {
  char sql[1024], *site_id = NULL;
  bool found = false, in_tx = false;
  avn_rc rc = AVN_OK;
  if (!db_is_uri(s->path))
    return avn_fail(e, AVN_E_STATE, s->path, NULL, "database roles are PostgreSQL's: a study file has none "
                    "(avn migrate it to a server first)");
  if (!plain_name(role))
    return avn_fail(e, AVN_E_PARSE, "role", role, "must be a database role name: lower-case letters, digits "
                    "and '_', not starting with a digit, up to 63");
  if (store_has_accounts(s) && store_actor_role(s) != STORE_ROLE_ADMIN)
    return avn_fail(e, AVN_E_STATE, "role", role, "only an administrator grants a database role a site");
  rc = store_tx_begin(s, e);
  if (rc) return rc;
  in_tx = true;
  const char *p[1] = {site};
  rc = store_q_one(s, "SELECT id FROM site WHERE code=?", p, 1, &site_id, &found, e);
  if (!rc && !found) rc = avn_fail(e, AVN_E_NOTFOUND, "site", site, "no such site in this study");
  if (!rc) {
    const char *q[1] = {role};
    char *hit = NULL;
    rc = store_q_one(s, "SELECT 1 FROM pg_roles WHERE rolname=?", q, 1, &hit, &found, e);
    avn_free(hit);
    if (!rc && !found)
      rc = avn_fail(e, AVN_E_NOTFOUND, "role", role, "no such database role: the server's administrator "
                    "creates it (CREATE ROLE %s LOGIN PASSWORD '...')", role);
  }
  if (!rc)
    rc = s->db->ops->exec_script(s->db, "CREATE TABLE IF NOT EXISTS avn_site_role(role_name TEXT NOT NULL,"
                                 " site_id INTEGER NOT NULL REFERENCES site(id), PRIMARY KEY (role_name, site_id))", e);
  for (size_t i = 0; !rc && i < sizeof site_tables / sizeof site_tables[0]; i++) {
    snprintf(sql, sizeof sql, "ALTER TABLE %s ENABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS avn_site ON %s;"
             " CREATE POLICY avn_site ON %s FOR SELECT USING (%s); GRANT SELECT ON %s TO %s",
             site_tables[i].table, site_tables[i].table, site_tables[i].table, site_tables[i].rows,
             site_tables[i].table, role);
    rc = s->db->ops->exec_script(s->db, sql, e);
  }
  if (!rc) {
    snprintf(sql, sizeof sql, "GRANT SELECT ON study, protocol_version, avn_site_role TO %s", role);
    rc = s->db->ops->exec_script(s->db, sql, e);
  }
  if (!rc) {
    const char *q[2] = {role, site_id};
    rc = store_q(s, "INSERT INTO avn_site_role(role_name, site_id) VALUES(?,?) ON CONFLICT DO NOTHING", q, 2, NULL,
                 NULL, e);
  }
  /* Who let which role read the site, and when: in the trail, in the same
  ** transaction. */
  if (!rc) {
    char record[96], field[96];
    snprintf(record, sizeof record, "site %.80s", site);
    snprintf(field, sizeof field, STORE_GRANT_FIELD "%.63s", role);
    rc = store_audit(s, user, "grant", record, field, NULL, "select", NULL, e);
  }
  if (!rc) rc = store_tx_commit(s, e);
  if (!rc) in_tx = false;
  if (in_tx) store_tx_rollback(s);
  avn_free(site_id);
  return rc;
}
