-- Every change that can open or close a conversation to a member, or silence them, is announced on
-- the channel "chat_access" at commit, from the database itself: instances keep each member's send
-- gate in memory and drop it when told, whichever path (app, admin layer, SQL by hand) made the change.
-- Payloads: 'p:<conversation>:<user>' a membership or role, 'c:<conversation>' the conversation's
-- type, status, settings or project, 'u:<user>' a sanction. Counters, read markers and titles are
-- not announced: they change with every message and no gate reads them.
CREATE OR REPLACE FUNCTION chat_announce_access_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME = 'conversation_participants' THEN
    PERFORM pg_notify('chat_access', 'p:' || r.conversation_id || ':' || r.user_id);
    IF TG_OP = 'UPDATE' AND (OLD.conversation_id <> NEW.conversation_id OR OLD.user_id <> NEW.user_id) THEN
      PERFORM pg_notify('chat_access', 'p:' || OLD.conversation_id || ':' || OLD.user_id);
    END IF;
  ELSIF TG_TABLE_NAME = 'conversations' THEN
    PERFORM pg_notify('chat_access', 'c:' || r.id);
  ELSIF TG_TABLE_NAME = 'user_sanctions' THEN
    PERFORM pg_notify('chat_access', 'u:' || r.user_id);
    IF TG_OP = 'UPDATE' AND OLD.user_id <> NEW.user_id THEN
      PERFORM pg_notify('chat_access', 'u:' || OLD.user_id);
    END IF;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER conversation_participants_access_change AFTER INSERT OR DELETE OR UPDATE OF conversation_id, user_id, role
  ON conversation_participants FOR EACH ROW EXECUTE FUNCTION chat_announce_access_change();--> statement-breakpoint
CREATE TRIGGER conversations_access_change AFTER DELETE OR UPDATE OF id, project_id, type, status, settings
  ON conversations FOR EACH ROW EXECUTE FUNCTION chat_announce_access_change();--> statement-breakpoint
CREATE TRIGGER user_sanctions_access_change AFTER INSERT OR DELETE OR UPDATE
  ON user_sanctions FOR EACH ROW EXECUTE FUNCTION chat_announce_access_change();
