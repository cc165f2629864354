/** Which editor mode highlights which catalogue language (pure data, unit-tested). */

export type ModeName =
  | 'cpp'
  | 'java'
  | 'python'
  | 'javascript'
  | 'typescript'
  | 'php'
  | 'go'
  | 'csharp'
  | 'kotlin'
  | 'perl'
  | 'ruby'
  | 'plain';

export const MODE_BY_LANGUAGE: Record<string, ModeName> = {
  c: 'cpp',
  cpp: 'cpp',
  java: 'java',
  python: 'python',
  csharp: 'csharp',
  go: 'go',
  javascript: 'javascript',
  node: 'javascript',
  php: 'php',
  perl: 'perl',
  typescript: 'typescript',
  kotlin: 'kotlin',
  ruby: 'ruby',
};

/** The catalogue ids the engine serves (config/languages.toml). */
export const CATALOGUE_IDS = [
  'c',
  'cpp',
  'java',
  'python',
  'csharp',
  'go',
  'javascript',
  'node',
  'php',
  'perl',
  'typescript',
  'kotlin',
  'ruby',
] as const;
