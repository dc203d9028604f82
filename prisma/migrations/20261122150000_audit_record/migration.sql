-- AlterTable
ALTER TABLE "audit_entry" ADD COLUMN     "purged_by" BIGINT;

-- CreateTable
CREATE TABLE "audit_history" (
    "workflow_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "workflow_type" TEXT NOT NULL,
    "captured_at" TIMESTAMPTZ(3) NOT NULL,
    "captured_by" TEXT NOT NULL,
    "event_count" INTEGER NOT NULL,
    "closed" BOOLEAN NOT NULL,
    "sha256" TEXT NOT NULL,
    "history" JSONB NOT NULL,

    CONSTRAINT "audit_history_pkey" PRIMARY KEY ("workflow_id","run_id")
);

-- CreateIndex
CREATE INDEX "audit_entry_actor_action_occurred_at_idx" ON "audit_entry"("actor", "action", "occurred_at");

-- CreateIndex
CREATE INDEX "audit_entry_occurred_at_idx" ON "audit_entry"("occurred_at");

-- CreateIndex
CREATE INDEX "audit_entry_detail_idx" ON "audit_entry" USING GIN ("detail" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "flow_flow_type_started_at_idx" ON "flow"("flow_type", "started_at");

-- CreateIndex
CREATE INDEX "flow_status_started_at_idx" ON "flow"("status", "started_at");
