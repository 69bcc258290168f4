import { Module } from '@nestjs/common';
import { ValuesController } from './values.controller.js';

/** POST /values/parse and /values/compare: stateless, the domain's value rules over HTTP. */
@Module({ controllers: [ValuesController] })
export class ValuesModule {}
