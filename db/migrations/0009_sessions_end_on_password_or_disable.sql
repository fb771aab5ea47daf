-- A password change or disabling an account ends every session of the account at once, whatever
-- code path makes the change: the database bumps users.session_version, and every token issued
-- under the old version is refused on its next request (lib/server/actor.ts).
CREATE OR REPLACE FUNCTION users_end_sessions() RETURNS trigger AS $$
BEGIN
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash OR (NEW.disabled AND NOT OLD.disabled) THEN
    NEW.session_version := OLD.session_version + 1;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_end_sessions
  BEFORE UPDATE OF password_hash, disabled ON users
  FOR EACH ROW EXECUTE FUNCTION users_end_sessions();
