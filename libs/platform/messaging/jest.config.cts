const { nodeProject } = require('../../../tools/jest/node-project');

// *.int.spec.ts talk to the real NATS and MongoDB-compatible server (NATS_URL, MONGO_URL).
module.exports = { ...nodeProject(__dirname, 'platform-messaging'), testTimeout: 60_000 };
