module.exports = {
  displayName: 'platform-messaging',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  // *.int.spec.ts talk to the real NATS and MongoDB-compatible server (NATS_URL, MONGO_URL).
  testTimeout: 60_000,
  coverageDirectory: '../../../coverage/libs/platform/messaging',
};
