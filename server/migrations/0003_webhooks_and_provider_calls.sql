CREATE TABLE "provider_calls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_id" text,
	"step" text,
	"key" text,
	"capability" text NOT NULL,
	"provider" text NOT NULL,
	"model" text,
	"prediction_id" text,
	"external_id" text,
	"status" text NOT NULL,
	"error" text,
	"latency_ms" integer,
	"cost" double precision,
	"submitted_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"provider" text NOT NULL,
	"delivery_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_provider_delivery_id_pk" PRIMARY KEY("provider","delivery_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "provider_calls_prediction" ON "provider_calls" USING btree ("prediction_id");--> statement-breakpoint
CREATE INDEX "provider_calls_external" ON "provider_calls" USING btree ("provider","external_id");--> statement-breakpoint
CREATE INDEX "provider_calls_job" ON "provider_calls" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "provider_calls_recent" ON "provider_calls" USING btree ("submitted_at");