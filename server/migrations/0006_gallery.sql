CREATE TABLE "entities" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"avatar_url" text,
	"gallery_count" integer DEFAULT 0 NOT NULL,
	"representative_image_version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media_assets" (
	"id" text PRIMARY KEY NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"url" text NOT NULL,
	"width" integer,
	"height" integer,
	"is_primary" boolean DEFAULT false NOT NULL,
	"order_index" integer NOT NULL,
	"status" text DEFAULT 'ready' NOT NULL,
	"provider" text,
	"seed" bigint,
	"style" text,
	"ratio" text,
	"phash" text,
	"job_id" text,
	"source_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "entities" ADD CONSTRAINT "entities_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_id_assets_id_fk" FOREIGN KEY ("id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_entity_id_entities_id_fk" FOREIGN KEY ("entity_id") REFERENCES "public"."entities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "entities_owner" ON "entities" USING btree ("user_id","kind","created_at");--> statement-breakpoint
CREATE INDEX "entities_public" ON "entities" USING btree ("kind","created_at") WHERE "entities"."is_public";--> statement-breakpoint
CREATE INDEX "media_assets_entity" ON "media_assets" USING btree ("entity_id","order_index");--> statement-breakpoint
CREATE UNIQUE INDEX "media_assets_one_primary" ON "media_assets" USING btree ("entity_id") WHERE "media_assets"."is_primary";