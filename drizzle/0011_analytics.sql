CREATE TABLE "analytics_fold_state" (
	"conversation_id" uuid PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"folded_seq" bigint DEFAULT 0 NOT NULL,
	"turn_sender_id" uuid,
	"turn_started_at" timestamp with time zone,
	"folded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_hourly" (
	"project_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"conversation_id" uuid NOT NULL,
	"sender_id" uuid NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_hourly_project_id_hour_conversation_id_sender_id_pk" PRIMARY KEY("project_id","hour","conversation_id","sender_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_responses" (
	"project_id" uuid NOT NULL,
	"day" date NOT NULL,
	"seconds" integer NOT NULL,
	"responses" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_responses_project_id_day_seconds_pk" PRIMARY KEY("project_id","day","seconds")
);
--> statement-breakpoint
ALTER TABLE "analytics_fold_state" ADD CONSTRAINT "analytics_fold_state_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_fold_state" ADD CONSTRAINT "analytics_fold_state_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_hourly" ADD CONSTRAINT "analytics_hourly_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_hourly" ADD CONSTRAINT "analytics_hourly_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_hourly" ADD CONSTRAINT "analytics_hourly_sender_id_profiles_id_fk" FOREIGN KEY ("sender_id") REFERENCES "public"."profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_responses" ADD CONSTRAINT "analytics_responses_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_fold_state_project_idx" ON "analytics_fold_state" USING btree ("project_id");