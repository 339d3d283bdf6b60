// ESLint 9+/10 flat config: typescript-eslint with type information (the
// project's tsconfig.json), so promise rules see real types. Formatting is
// Prettier's job (`npm run format`), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.turbo/**',
      'examples/*/dist/**',
      'test/bench/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      '**/.docs-example-*',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      // The project service reads tsconfig.json; config and script files outside it get a default project.
      parserOptions: {
        projectService: {
          allowDefaultProject: ['examples/*/vite.config.ts', 'examples/board/scripts/start.ts', 'examples/board/scripts/startServers.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits hides its failure; `void p` marks a deliberate fire-and-forget.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // The codebase's existing style; not findings.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-empty-function': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
);
