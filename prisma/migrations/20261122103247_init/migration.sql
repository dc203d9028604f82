-- CreateEnum
CREATE TYPE "email_status" AS ENUM ('pending', 'sending', 'sent', 'rejected');

-- CreateTable
CREATE TABLE "audit_entry" (
    "seq" BIGINT NOT NULL,
    "business_key" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "flow_type" TEXT,
    "workflow_id" TEXT,
    "run_id" TEXT,
    "task_key" TEXT,
    "rule" TEXT,
    "detail" JSONB NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_entry_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "outbox_email" (
    "id" UUID NOT NULL,
    "business_key" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "workflow_id" TEXT,
    "recipients" TEXT[],
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" "email_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "smtp_response" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_email_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_entry_business_key_key" ON "audit_entry"("business_key");

-- CreateIndex
CREATE UNIQUE INDEX "audit_entry_hash_key" ON "audit_entry"("hash");

-- CreateIndex
CREATE INDEX "audit_entry_workflow_id_seq_idx" ON "audit_entry"("workflow_id", "seq");

-- CreateIndex
CREATE INDEX "audit_entry_actor_occurred_at_idx" ON "audit_entry"("actor", "occurred_at");

-- CreateIndex
CREATE INDEX "audit_entry_action_occurred_at_idx" ON "audit_entry"("action", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_email_business_key_key" ON "outbox_email"("business_key");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_email_message_id_key" ON "outbox_email"("message_id");

-- CreateIndex
CREATE INDEX "outbox_email_workflow_id_idx" ON "outbox_email"("workflow_id");
