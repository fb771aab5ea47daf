-- A new delivery wakes the delivery job at once: a notification sent when the writing
-- transaction commits (nothing is sent if it rolls back). Each app instance that runs jobs
-- listens and queues one delivery run; the queue and a lock make it run on one instance.
-- No row is locked in the writer's transaction, so confirms don't queue behind each other.
CREATE OR REPLACE FUNCTION deliveries_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('switchboard_outbox', '');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER deliveries_notify_insert
  AFTER INSERT ON deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION deliveries_notify();
