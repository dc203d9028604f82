-- AlterTable
ALTER TABLE "site" ADD COLUMN     "registered_on" DATE;
