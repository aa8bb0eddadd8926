// Unit tests of the frontend model: plain TypeScript compiled by ts-jest, no browser.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/__tests__/**/*.spec.ts'],
  // tsconfig.test.json has isolatedModules: ts-jest compiles file by file without type checking
  // (`tsc --noEmit -p tsconfig.test.json` in dev.py check does that), a few seconds instead of 30.
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json']
};
