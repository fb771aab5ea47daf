-- login_attempts.success (boolean) becomes login_attempts.outcome: carry the old rows over.
UPDATE "login_attempts" SET "outcome" = CASE WHEN "success" THEN 'succeeded' ELSE 'failed' END;
