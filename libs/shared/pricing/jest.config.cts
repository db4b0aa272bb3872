const { nodeProject } = require('../../../tools/jest/node-project');

module.exports = nodeProject(__dirname, 'shared-pricing');
