ALTER TABLE "assets" ADD COLUMN "item_idx" integer;--> statement-breakpoint
ALTER TABLE "uploads" ADD COLUMN "reject_reason" text;--> statement-breakpoint
CREATE INDEX "uploads_status_created" ON "uploads" USING btree ("status","created_at");