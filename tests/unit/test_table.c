/* The table renderer: every output form, byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "table.h"

static const struct table_column cols[] = {
    {"Name", "name", 0},
    {"State", "state", 0},
    {"Directory", "directory", 0},
    {"RootVG WPAR", "rootvgwpar", 0},
};

static struct table *sample(void)
{
	struct table *t = table_new(cols, 4);
	size_t r = table_add_row(t);
	table_set(t, r, 0, "w1");
	table_set(t, r, 1, "D");
	table_set(t, r, 2, "/wpars/w1");
	table_set(t, r, 3, "no");
	r = table_add_row(t);
	table_set(t, r, 0, "longername");
	table_set(t, r, 1, "A");
	table_set(t, r, 2, "/data/x:y");
	table_set(t, r, 3, NULL);
	return t;
}

static char *render(const struct table *t, struct table_format fmt)
{
	struct strbuf sb = {0};
	table_render(t, &fmt, &sb);
	return strbuf_steal(&sb);
}

static void test_aligned(void **state)
{
	cleanup_table struct table *t = sample();
	cleanup_free char *s = render(t, (struct table_format){.style = TABLE_ALIGNED});
	/* Trailing blanks are trimmed; the dashes span the whole table. */
	assert_string_equal(s, "Name        State  Directory  RootVG WPAR\n"
			       "-----------------------------------------\n"
			       "w1          D      /wpars/w1  no\n"
			       "longername  A      /data/x:y\n");
}

static void test_quiet(void **state)
{
	cleanup_table struct table *t = sample();
	cleanup_free char *s =
	    render(t, (struct table_format){.style = TABLE_ALIGNED, .no_header = true});
	/* Widths still account for the labels, so -q columns line up with
	 * the headed form. */
	assert_string_equal(s, "w1          D      /wpars/w1  no\n"
			       "longername  A      /data/x:y\n");
}

static void test_delimited(void **state)
{
	cleanup_table struct table *t = sample();
	cleanup_free char *s = render(t, (struct table_format){.style = TABLE_DELIMITED});
	assert_string_equal(s, "#name:state:directory:rootvgwpar\n"
			       "w1:D:/wpars/w1:no\n"
			       "longername:A:/data/x\\:y:\n");
}

static void test_delimiter(void **state)
{
	cleanup_table struct table *t = sample();
	table_set(t, 0, 2, "a,b\\c");
	cleanup_free char *s = render(
	    t, (struct table_format){.style = TABLE_DELIMITED, .delim = ',', .no_header = true});
	assert_string_equal(s, "w1,D,a\\,b\\\\c,no\n"
			       "longername,A,/data/x:y,\n");
}

static void test_select(void **state)
{
	cleanup_table struct table *t = sample();
	wpar_error_t err = NULL;
	assert_int_equal(table_select(t, "DIRECTORY,name", &err), 0);
	cleanup_free char *s = render(t, (struct table_format){.style = TABLE_DELIMITED});
	assert_string_equal(s, "#directory:name\n"
			       "/wpars/w1:w1\n"
			       "/data/x\\:y:longername\n");
}

static void test_select_errors(void **state)
{
	cleanup_table struct table *t = sample();
	wpar_error_t err = NULL;
	assert_int_equal(table_select(t, "name,bogus", &err), -1);
	assert_string_equal(err->msg, "unknown field 'bogus' (valid fields: name, "
				      "state, directory, rootvgwpar)");
	wpar_error_release(&err);
	assert_int_equal(table_select(t, "name,,state", &err), -1);
	assert_non_null(strstr(err->msg, "empty field name"));
	wpar_error_release(&err);
	/* A failed selection leaves the previous one. */
	assert_int_equal(t->n_sel, 4);
	table_hide(t, "state");
	assert_int_equal(t->n_sel, 3);
	assert_int_equal(t->sel[1], 2);
}

static void test_empty(void **state)
{
	cleanup_table struct table *t = table_new(cols, 2);
	cleanup_free char *none = render(t, (struct table_format){.style = TABLE_ALIGNED});
	assert_string_equal(none, "");
	cleanup_free char *hdr =
	    render(t, (struct table_format){.style = TABLE_ALIGNED, .header_if_empty = true});
	assert_string_equal(hdr, "Name  State\n-----------\n");
}

static void test_json(void **state)
{
	cleanup_table struct table *t = sample();
	wpar_error_t err = NULL;
	assert_int_equal(table_select(t, "name,rootvgwpar", &err), 0);
	json_t *j = table_to_json(t);
	cleanup_free char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_string_equal(s, "[{\"name\":\"w1\",\"rootvgwpar\":\"no\"},"
			       "{\"name\":\"longername\",\"rootvgwpar\":\"\"}]");
}

static void test_json_bad_utf8(void **state)
{
	json_t *j = table_json_string("a\xff"
				      "b\xc3\xa9");
	assert_string_equal(json_string_value(j), "a\xEF\xBF\xBD"
						  "b\xc3\xa9");
	json_decref(j);
}

static const struct table_column pcols[] = {
    {"Name", "name", TABLE_COL_TITLE},
    {"State", "state", TABLE_COL_TITLE},
    {"Type", "type", 0},
    {"WPAR-Specific Routing", "wparspecificrouting", 0},
    {"Application", "application", 0},
};

static void test_paragraph(void **state)
{
	cleanup_table struct table *t = table_new(pcols, 5);
	for (int i = 0; i < 2; i++) {
		size_t r = table_add_row(t);
		table_set(t, r, 0, i ? "w2" : "w1");
		table_set(t, r, 1, i ? "Active" : "Defined");
		table_set(t, r, 2, "S");
		table_set(t, r, 3, "no");
	}
	cleanup_free char *s = render(t, (struct table_format){.style = TABLE_PARAGRAPH});
	const char *eq = "================================================="
			 "================\n";
	cleanup_free char *want = xasprintf("%sw1 - Defined\n%s"
					    "Type:                   S\n"
					    "WPAR-Specific Routing:  no\n"
					    "Application:\n"
					    "\n"
					    "%sw2 - Active\n%s"
					    "Type:                   S\n"
					    "WPAR-Specific Routing:  no\n"
					    "Application:\n",
					    eq, eq, eq, eq);
	assert_string_equal(s, want);

	/* -a on a paragraph keeps the banner and picks the lines. */
	wpar_error_t err = NULL;
	assert_int_equal(table_select(t, "type", &err), 0);
	cleanup_free char *q =
	    render(t, (struct table_format){.style = TABLE_PARAGRAPH, .no_header = true});
	assert_string_equal(q, "Type:  S\n\nType:  S\n");

	json_t *j = table_row_to_json(t, 1, true);
	cleanup_free char *js = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_string_equal(js, "{\"type\":\"S\"}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_aligned),       cmocka_unit_test(test_quiet),
	    cmocka_unit_test(test_delimited),     cmocka_unit_test(test_delimiter),
	    cmocka_unit_test(test_select),        cmocka_unit_test(test_select_errors),
	    cmocka_unit_test(test_empty),         cmocka_unit_test(test_json),
	    cmocka_unit_test(test_json_bad_utf8), cmocka_unit_test(test_paragraph),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
