-- CreateEnum
CREATE TYPE "site_status" AS ENUM ('active', 'retired');

-- CreateEnum
CREATE TYPE "occurrence_status" AS ENUM ('open', 'completed', 'cancelled');

-- CreateTable
CREATE TABLE "site" (
    "site_id" TEXT NOT NULL,
    "profile" JSONB NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "site_status" NOT NULL,
    "responsible_email" TEXT NOT NULL,
    "manager_email" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "schedules" TEXT[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "site_pkey" PRIMARY KEY ("site_id")
);

-- CreateTable
CREATE TABLE "safety_occurrence" (
    "occurrence_key" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "obligation" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "shift" TEXT,
    "employee_id" TEXT,
    "due_date" DATE NOT NULL,
    "planned_at" TEXT,
    "rule" TEXT NOT NULL,
    "status" "occurrence_status" NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    "recorded_by" TEXT,
    "late" BOOLEAN,
    "late_reason" TEXT,
    "participants" TEXT[],
    "duration_minutes" INTEGER,
    "findings" TEXT,
    "corrective_actions" JSONB,
    "retain_until" DATE,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "safety_occurrence_pkey" PRIMARY KEY ("occurrence_key")
);

-- CreateTable
CREATE TABLE "sharps_injury" (
    "case_id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "occurred_on" DATE NOT NULL,
    "device_type" TEXT NOT NULL,
    "device_brand" TEXT,
    "work_area" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "recorded_by" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "retain_until" DATE NOT NULL,

    CONSTRAINT "sharps_injury_pkey" PRIMARY KEY ("case_id")
);

-- CreateIndex
CREATE INDEX "safety_occurrence_site_id_due_date_idx" ON "safety_occurrence"("site_id", "due_date");

-- CreateIndex
CREATE INDEX "safety_occurrence_status_due_date_idx" ON "safety_occurrence"("status", "due_date");

-- CreateIndex
CREATE INDEX "safety_occurrence_employee_id_idx" ON "safety_occurrence"("employee_id");

-- CreateIndex
CREATE INDEX "sharps_injury_site_id_occurred_on_idx" ON "sharps_injury"("site_id", "occurred_on");
