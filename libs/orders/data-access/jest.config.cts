const { nodeProject } = require('../../../tools/jest/node-project');

module.exports = nodeProject(__dirname, 'orders-data-access');
