ALTER TABLE "assets" ADD COLUMN "item_idx" integer;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "event_seq" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "uploads" ADD COLUMN "reject_reason" text;--> statement-breakpoint
CREATE INDEX "uploads_status_created" ON "uploads" USING btree ("status","created_at");