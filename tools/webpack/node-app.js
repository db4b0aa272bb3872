// One webpack configuration for every app: a Node bundle of src/main.ts into dist/apps/<name>.
// Each app's webpack.config.js is a call of this factory, so build settings cannot drift.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { basename, join } = require('path');

/**
 * @param {string} appDir the app's folder (`__dirname` of its webpack.config.js)
 * @param {{ swagger?: boolean }} [options] swagger: derive OpenAPI schemas from the contract
 *   classes and their class-validator decorators (the gateway)
 */
function nodeApp(appDir, options = {}) {
  const name = basename(appDir);
  return {
    output: { path: join(appDir, '../../dist/apps', name), clean: true },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMap: true,
        transformers: options.swagger
          ? [
              {
                name: '@nestjs/swagger/plugin',
                // The contracts lib names its files by topic (`skus.ts`, not `skus.dto.ts`), so
                // the plugin reads every file of that lib (the option matches by substring).
                // Without this the OpenAPI document had no request bodies at all.
                options: {
                  classValidatorShim: true,
                  introspectComments: true,
                  dtoFileNameSuffix: ['libs/contracts/src/'],
                  controllerFileNameSuffix: ['.controller.ts'],
                },
              },
            ]
          : [],
      }),
    ],
  };
}

module.exports = { nodeApp };
