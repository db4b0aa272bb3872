// One jest configuration for every app and library with specs: each project's jest.config.cts is
// a call of this factory, so test settings cannot drift between projects.
const { join, relative } = require('path');

const root = join(__dirname, '../..');

/**
 * @param {string} projectDir the project's folder (`__dirname` of its jest.config.cts)
 * @param {string} displayName the name jest shows for it (the nx project name)
 */
function nodeProject(projectDir, displayName) {
  return {
    displayName,
    // Relative to the project (jest takes an absolute path for a package name).
    preset: relative(projectDir, join(root, 'jest.preset.js')),
    testEnvironment: 'node',
    transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
    moduleFileExtensions: ['ts', 'js'],
    coverageDirectory: join(root, 'coverage', relative(root, projectDir)),
  };
}

module.exports = { nodeProject };
