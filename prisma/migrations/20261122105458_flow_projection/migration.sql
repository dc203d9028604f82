-- CreateEnum
CREATE TYPE "flow_status" AS ENUM ('running', 'completed', 'cancelled');

-- CreateTable
CREATE TABLE "flow" (
    "workflow_id" TEXT NOT NULL,
    "flow_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" "flow_status" NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "started_by" TEXT NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "flow_pkey" PRIMARY KEY ("workflow_id")
);

-- CreateIndex
CREATE INDEX "flow_flow_type_status_started_at_idx" ON "flow"("flow_type", "status", "started_at");

-- CreateIndex
CREATE INDEX "flow_subject_id_idx" ON "flow"("subject_id");
