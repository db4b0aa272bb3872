const nxPreset = require('@nx/jest/preset').default;

// Decorator metadata (class-validator, Nest) needs the Reflect polyfill in every test.
module.exports = { ...nxPreset, setupFiles: ['reflect-metadata'] };
