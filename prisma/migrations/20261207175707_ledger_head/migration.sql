-- CreateTable
CREATE TABLE "audit_head" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_head_pkey" PRIMARY KEY ("id")
);

-- One row, and it only moves forward: the application appends under an advisory lock and moves
-- the head in the same transaction.
ALTER TABLE "audit_head" ADD CONSTRAINT "audit_head_single_row" CHECK ("id" = 1);

CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq < OLD.seq THEN
    RAISE EXCEPTION 'audit_head moves forward only (from % to %)', OLD.seq, NEW.seq;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON "audit_head"
  FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();

-- An existing ledger's head is its last entry.
INSERT INTO "audit_head" ("id", "seq", "hash", "updated_at")
SELECT 1, "seq", "hash", now() FROM "audit_entry" ORDER BY "seq" DESC LIMIT 1;
