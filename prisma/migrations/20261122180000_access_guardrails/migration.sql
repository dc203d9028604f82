-- CreateEnum
CREATE TYPE "user_kind" AS ENUM ('person', 'service');

-- AlterTable
ALTER TABLE "app_user" ADD COLUMN     "kind" "user_kind" NOT NULL DEFAULT 'person',
ALTER COLUMN "password_hash" DROP NOT NULL;

-- CreateTable
CREATE TABLE "sign_in_throttle" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "last_failure_at" TIMESTAMPTZ(3) NOT NULL,
    "locked_until" TIMESTAMPTZ(3),

    CONSTRAINT "sign_in_throttle_pkey" PRIMARY KEY ("scope","key")
);
