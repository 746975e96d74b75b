import type { LanguageRegistration } from 'shiki/core'

type Loader = () => Promise<{ default: LanguageRegistration[] }>

/**
 * The languages code blocks are highlighted in, each loaded the first time a message uses it
 * (explicit imports, so the bundler ships each grammar as its own chunk).
 */
export const LANGUAGE_LOADERS: Readonly<Record<string, Loader>> = {
  bash: () => import('shiki/langs/bash.mjs'),
  c: () => import('shiki/langs/c.mjs'),
  cpp: () => import('shiki/langs/cpp.mjs'),
  csharp: () => import('shiki/langs/csharp.mjs'),
  css: () => import('shiki/langs/css.mjs'),
  diff: () => import('shiki/langs/diff.mjs'),
  docker: () => import('shiki/langs/docker.mjs'),
  go: () => import('shiki/langs/go.mjs'),
  graphql: () => import('shiki/langs/graphql.mjs'),
  html: () => import('shiki/langs/html.mjs'),
  java: () => import('shiki/langs/java.mjs'),
  javascript: () => import('shiki/langs/javascript.mjs'),
  json: () => import('shiki/langs/json.mjs'),
  jsx: () => import('shiki/langs/jsx.mjs'),
  kotlin: () => import('shiki/langs/kotlin.mjs'),
  markdown: () => import('shiki/langs/markdown.mjs'),
  php: () => import('shiki/langs/php.mjs'),
  python: () => import('shiki/langs/python.mjs'),
  ruby: () => import('shiki/langs/ruby.mjs'),
  rust: () => import('shiki/langs/rust.mjs'),
  scss: () => import('shiki/langs/scss.mjs'),
  sql: () => import('shiki/langs/sql.mjs'),
  swift: () => import('shiki/langs/swift.mjs'),
  toml: () => import('shiki/langs/toml.mjs'),
  tsx: () => import('shiki/langs/tsx.mjs'),
  typescript: () => import('shiki/langs/typescript.mjs'),
  vue: () => import('shiki/langs/vue.mjs'),
  xml: () => import('shiki/langs/xml.mjs'),
  yaml: () => import('shiki/langs/yaml.mjs')
}

/** What people type after ``` for the languages above. */
export const LANGUAGE_ALIASES: Readonly<Record<string, string>> = {
  'js': 'javascript', 'ts': 'typescript', 'sh': 'bash', 'shell': 'bash', 'zsh': 'bash', 'py': 'python', 'yml': 'yaml',
  'md': 'markdown', 'rs': 'rust', 'golang': 'go', 'c++': 'cpp', 'cs': 'csharp', 'c#': 'csharp', 'kt': 'kotlin',
  'rb': 'ruby', 'dockerfile': 'docker', 'h': 'c', 'hpp': 'cpp', 'postgres': 'sql', 'postgresql': 'sql', 'gql': 'graphql'
}

/** The language a fence's info string names, if it is one we highlight. */
export function fenceLanguage(info: string): string | null {
  const requested = info.trim().split(/\s+/)[0]?.toLowerCase() ?? ''
  const lang = LANGUAGE_ALIASES[requested] ?? requested
  return lang in LANGUAGE_LOADERS ? lang : null
}

/** The languages of the fenced code blocks in a message. */
export function fenceLanguages(content: string): string[] {
  const found = new Set<string>()
  for (const match of content.matchAll(/^\s{0,3}(?:`{3,}|~{3,})\s*([^\s`]+)/gm)) {
    const lang = fenceLanguage(match[1]!)
    if (lang) found.add(lang)
  }
  return [...found]
}
