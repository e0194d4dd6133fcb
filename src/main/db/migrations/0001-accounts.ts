import type { Migration } from '../migration'

export const m0001Accounts: Migration = {
  version: 1,
  name: 'accounts, sessions and the audit log',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        username      TEXT    NOT NULL UNIQUE,
        display_name  TEXT    NOT NULL DEFAULT '',
        role          TEXT    NOT NULL CHECK (role IN ('admin', 'staff', 'viewer')),
        password_hash TEXT    NOT NULL,
        disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        last_login_at INTEGER
      ) STRICT;

      CREATE TABLE sessions (
        id           INTEGER PRIMARY KEY,
        token_hash   BLOB    NOT NULL UNIQUE,
        user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        ip           TEXT,
        user_agent   TEXT
      ) STRICT;
      CREATE INDEX sessions_by_user ON sessions (user_id);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);

      CREATE TABLE audit_log (
        id            INTEGER PRIMARY KEY,
        at            INTEGER NOT NULL,
        actor_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
        actor         TEXT    NOT NULL,
        action        TEXT    NOT NULL,
        target        TEXT,
        details       TEXT,
        ip            TEXT
      ) STRICT;
      CREATE INDEX audit_by_action ON audit_log (action, id);
    `)
  },
}
