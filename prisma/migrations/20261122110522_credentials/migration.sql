-- CreateEnum
CREATE TYPE "credential_status" AS ENUM ('active', 'lapsed', 'new_application_required', 'retired');

-- CreateTable
CREATE TABLE "credential" (
    "credential_id" TEXT NOT NULL,
    "provider_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "issuer" TEXT,
    "jurisdiction" TEXT,
    "number" TEXT,
    "issue_date" DATE,
    "due_date" DATE NOT NULL,
    "status" "credential_status" NOT NULL,
    "flags" TEXT[],
    "evidence" TEXT,
    "provider_email" TEXT NOT NULL,
    "owner_email" TEXT NOT NULL,
    "manager_email" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "credential_pkey" PRIMARY KEY ("credential_id")
);

-- CreateIndex
CREATE INDEX "credential_due_date_idx" ON "credential"("due_date");

-- CreateIndex
CREATE INDEX "credential_provider_id_idx" ON "credential"("provider_id");

-- CreateIndex
CREATE INDEX "credential_type_status_idx" ON "credential"("type", "status");
