// @ts-check
// ESLint's config utilities call Object.groupBy (Node 21+); Node 20 still runs the lint.
import 'object.groupby/auto'
import withNuxt from './.nuxt/eslint.config.mjs'

const unusedOptions = { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
// 200 columns: long enough for the one-line objects and signatures this code favours, short enough
// to read without scrolling. A line long only because of a string, URL, regex or template literal
// (or, in a template, an attribute value or text) is left whole: broken up, it reads worse.
const maxLen = { code: 200, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }

export default withNuxt(
  { ignores: ['.output*/**', '.data/**', 'test-output/**', 'bench/results/**', 'drizzle/meta/**'] },
  {
    rules: {
      // Short attribute lists stay on one line; long ones are broken by hand where it reads better.
      'vue/max-attributes-per-line': 'off',
      // Compact one-line callbacks (`() => { a(); b() }`) read better than three-line ones here.
      '@stylistic/max-statements-per-line': 'off',
      '@typescript-eslint/no-unused-vars': ['error', unusedOptions]
    }
  },
  { files: ['**/*.js', '**/*.mjs'], rules: { 'no-unused-vars': ['error', unusedOptions] } },
  { ignores: ['**/*.vue'], rules: { '@stylistic/max-len': ['error', maxLen] } },
  { files: ['**/*.vue'], rules: { 'vue/max-len': ['error', { ...maxLen, template: 200, ignoreHTMLAttributeValues: true, ignoreHTMLTextContents: true }] } },
  {
    // Tests read arbitrary JSON answers and stand in for sockets; \`any\` stays out of product code.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  {
    // Both render HTML the server produced: sanitize-html'd markdown, and search highlights escaped before marking.
    files: ['components/chat/MessageItem.vue', 'components/chat/SearchModal.vue'],
    rules: { 'vue/no-v-html': 'off' }
  },
  {
    // QA's k6 scripts run inside k6, which provides these globals.
    files: ['k6/**/*.js'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly' } }
  }
)
