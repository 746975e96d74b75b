// Shapes the suite shares (JSDoc only; nothing runs here). Message and Conversation follow
// CONTRACT.md; the fixture is what scripts/seed-load.mjs writes.

/**
 * @typedef {object} Message
 * @property {string} id
 * @property {string} conversationId
 * @property {number} seq
 * @property {number} updatedSeq
 * @property {string} clientId
 * @property {string} senderId
 * @property {string} content
 * @property {string} createdAt
 */
/** @typedef {{ id: string, lastSeq: number, title: string }} Conversation */
/** @typedef {{ pair: string, team: string, dept: string, hot: string }} UserConversations */
/**
 * @typedef {object} FixtureUser
 * @property {number} index
 * @property {string} id
 * @property {string} email
 * @property {string} displayName
 * @property {string | null} token
 * @property {number} tokenExp   seconds since epoch
 * @property {UserConversations} conversations
 */
/**
 * @typedef {object} FixtureMeta
 * @property {string} projectId
 * @property {string} password
 * @property {string} baseUrl
 * @property {string} seededAt
 * @property {number} userCount
 * @property {string} hotConversationId
 * @property {number[]} hotMembers
 */
/**
 * A VU's identity: its user, access token and instance.
 * @typedef {object} Identity
 * @property {number} vuId
 * @property {FixtureUser} user
 * @property {string} token
 * @property {number} expMs
 * @property {string} baseUrl
 * @property {string} projectId
 */
/** What setup() hands every VU. @typedef {{ t0: number, useFixtureTokens: boolean }} SetupData */
/** @typedef {[durationS: number, target: number]} Stage */
/**
 * @typedef {object} Limits
 * @property {number} ackP95
 * @property {number} ackP99
 * @property {number} deliverP95
 * @property {number} deliverP99
 * @property {number} reconnectP95
 * @property {number} errorRate
 */
/**
 * A load profile; every duration is in seconds.
 * @typedef {object} Profile
 * @property {string} name
 * @property {string} description
 * @property {number} durationS
 * @property {{ vus?: number, stages?: Stage[], sendEveryS: number, sessionS: number }} chat
 * @property {{ vus: number, pages: number, thinkS: number }} history
 * @property {{ vus: number, thinkS: number }} search
 * @property {{ vus: number, everyS: number, sessionS: number }} storm
 * @property {{ listeners: number, senders: number, ratePerSender: number }} hot
 * @property {Limits} limits
 */
/** Seconds each k6 scenario runs, by k6 scenario name. @typedef {Record<string, number>} Durations */

export {}
