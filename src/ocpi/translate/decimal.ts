/**
 * decimal.js's typings describe its CommonJS build, where the class is a property of the module, but
 * Node loads its ES build, whose default export is the class itself. This module gives the class its
 * right type once, for everything else to import.
 */
import DecimalModule from 'decimal.js';

export const Decimal = DecimalModule as unknown as typeof DecimalModule.Decimal;
