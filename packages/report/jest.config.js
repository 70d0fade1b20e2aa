module.exports = require('@neusemslice/tooling').createJestConfig();
