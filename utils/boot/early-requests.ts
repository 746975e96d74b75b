// Plain module (no auto-imports): nuxt.config.ts puts EARLY_REQUESTS_SCRIPT in the page shell.
import { HISTORY_PAGE_DEFAULT } from '../../shared/limits'

/** localStorage key of the last /api/config answer (utils/client-config.ts keeps it). */
export const CONFIG_KEY = 'chat.config'
/** The Web Lock every tab takes around a refresh-token rotation (plugins/00.auth-backend.client.ts). */
export const REFRESH_LOCK = 'chat-auth-refresh'

interface EarlyRequests {
  config?: Promise<unknown>
  session?: Promise<unknown>
  /** The conversation the address opens (/c/<id>): its details and newest page, null when refused. */
  conversationId?: string
  details?: Promise<unknown>
  messages?: Promise<unknown>
}

declare global {
  interface Window { __chatEarly?: EarlyRequests }
}

/**
 * Runs in the shell's <head>, while the scripts download: asks for /api/config and, unless this
 * device was last in Supabase mode, rotates the refresh cookie (under the same lock as the app);
 * with that session, the details and newest page of the conversation in the address. The first
 * screen waits on these; asked here they arrive beside the scripts instead of after them.
 */
export const EARLY_REQUESTS_SCRIPT = `(()=>{try{
var e=window.__chatEarly={},k=null;
e.config=fetch('/api/config').then(function(r){if(!r.ok)throw new Error(String(r.status));return r.json()});
e.config.catch(function(){});
try{k=JSON.parse(localStorage.getItem(${JSON.stringify(CONFIG_KEY)})||'null')}catch(_){}
if(k&&k.auth==='supabase')return;
var run=function(){return fetch('/api/auth/refresh',{method:'POST'}).then(function(r){return r.ok?r.json():null}).catch(function(){return null})};
e.session=navigator.locks?navigator.locks.request(${JSON.stringify(REFRESH_LOCK)},run).catch(function(){return null}):run();
var p=location.pathname.split('/'),c=p.length===3&&p[1]==='c'&&/^[0-9a-f-]{36}$/.test(p[2])?p[2]:null;if(!c)return;
var get=function(u){return e.session.then(function(s){return s&&s.accessToken?fetch(u,{headers:{Authorization:'Bearer '+s.accessToken}}).then(function(r){return r.ok?r.json():null}):null}).catch(function(){return null})};
e.conversationId=c;e.details=get('/api/conversations/'+c);e.messages=get('/api/conversations/'+c+'/messages?limit=${HISTORY_PAGE_DEFAULT}');
}catch(_){}})()`

/** The shell's early answer to `what`, once: later callers ask the server themselves. */
export function takeEarly(what: 'config' | 'session'): Promise<unknown> | null {
  const early = typeof window === 'undefined' ? undefined : window.__chatEarly
  const request = early?.[what]
  if (!early || !request) return null
  early[what] = undefined
  return request
}

/**
 * The shell's early answer about this conversation, once; null when the shell did not ask, or the
 * server refused (the caller then asks itself and reports the refusal its usual way).
 */
export async function takeEarlyConversation(what: 'details' | 'messages', conversationId: string): Promise<unknown> {
  const early = typeof window === 'undefined' ? undefined : window.__chatEarly
  const request = early?.conversationId === conversationId ? early[what] : undefined
  if (!early || !request) return null
  early[what] = undefined
  return request.catch(() => null)
}
