-- Ends the statement that calls it with an error (SQLSTATE OM409 and the given message), so that
-- a single-statement write can undo itself when a condition it checked last does not hold.
CREATE FUNCTION oms_abort(message text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'OM409', MESSAGE = message;
END
$$;
