const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: { path: join(__dirname, '../../dist/apps/gateway'), clean: true },
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
      // Derives OpenAPI schemas from the contract classes and their class-validator decorators.
      // The contracts lib names its files by topic (`skus.ts`, not `skus.dto.ts`), so the plugin
      // reads every file of that lib (the option matches by substring; ".ts" alone it refuses).
      // Without this the document had no request bodies at all.
      transformers: [
        {
          name: '@nestjs/swagger/plugin',
          options: {
            classValidatorShim: true,
            introspectComments: true,
            dtoFileNameSuffix: ['libs/contracts/src/'],
            controllerFileNameSuffix: ['.controller.ts'],
          },
        },
      ],
    }),
  ],
};
