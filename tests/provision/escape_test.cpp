// Escaping per format, setting names and MAC normalisation.
#include <gtest/gtest.h>

#include "provision/escape.hpp"
#include "provision/mac.hpp"
#include "provision/provision.hpp"

namespace callplan::provision {
namespace {

TEST(XmlEscape, EscapesTheFiveMarkupCharacters) {
  EXPECT_EQ(xml_escape(R"(a&b<c>d"e'f)", "k"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
}

TEST(XmlEscape, KeepsLineBreaksAndTabsAsCharacterReferences) {
  // A literal one in an attribute would be read back as a space (attribute normalisation).
  EXPECT_EQ(xml_escape("a\nb\rc\td", "k"), "a&#10;b&#13;c&#9;d");
}

TEST(XmlEscape, KeepsNonAsciiUtf8AsIs) {
  EXPECT_EQ(xml_escape("Zoë €𝄞", "k"), "Zoë €𝄞");
}

TEST(XmlEscape, RefusesWhatXmlCannotCarry) {
  EXPECT_THROW((void)xml_escape(std::string("a\0b", 3), "k"), NotProvisionable);
  EXPECT_THROW((void)xml_escape("a\x1b[31m", "k"), NotProvisionable);
  EXPECT_THROW((void)xml_escape("\xff", "k"), NotProvisionable);          // not UTF-8
  EXPECT_THROW((void)xml_escape("\xc3", "k"), NotProvisionable);          // truncated
  EXPECT_THROW((void)xml_escape("\xc0\xaf", "k"), NotProvisionable);      // overlong '/'
  EXPECT_THROW((void)xml_escape("\xed\xa0\x80", "k"), NotProvisionable);  // surrogate
}

TEST(KeyValueText, PassesMarkupAndNonAsciiThrough) {
  EXPECT_EQ(key_value_text(R"(p&ss<w>rd"'é = x)", "k"), R"(p&ss<w>rd"'é = x)");
}

TEST(KeyValueText, RefusesLineBreaksControlsAndEdgeBlanks) {
  try {
    (void)key_value_text("x\naccount.1.sip_server.1.address = evil.example", "account.1.label");
    FAIL();
  } catch (const NotProvisionable& e) {
    EXPECT_STREQ(e.what(), "the value of `account.1.label` contains a line break, which a "
                           "key=value file cannot carry");
  }
  EXPECT_THROW((void)key_value_text("a\rb", "k"), NotProvisionable);
  EXPECT_THROW((void)key_value_text("a\tb", "k"), NotProvisionable);
  EXPECT_THROW((void)key_value_text("a\x7f", "k"), NotProvisionable);
  EXPECT_THROW((void)key_value_text(" padded", "k"), NotProvisionable);
  EXPECT_THROW((void)key_value_text("padded ", "k"), NotProvisionable);
  EXPECT_THROW((void)key_value_text("\xfe", "k"), NotProvisionable);
  EXPECT_EQ(key_value_text("", "k"), "");
}

TEST(KeyName, AcceptsBrandSettingNamesOnly) {
  EXPECT_NO_THROW(check_key_name("linekey.2.type"));
  EXPECT_NO_THROW(check_key_name("P1364"));
  EXPECT_NO_THROW(check_key_name("_x-y"));
  EXPECT_THROW(check_key_name(""), NotProvisionable);
  EXPECT_THROW(check_key_name("1abc"), NotProvisionable);
  EXPECT_THROW(check_key_name("a b"), NotProvisionable);
  EXPECT_THROW(check_key_name("a=b"), NotProvisionable);
  EXPECT_THROW(check_key_name("a\nb"), NotProvisionable);
  EXPECT_THROW(check_key_name("x\"/><evil"), NotProvisionable);
}

TEST(Mac, NormalisesTheFormsTheLoaderAccepts) {
  EXPECT_EQ(normalise_mac("80:5E:C0:11:22:33"), "805ec0112233");
  EXPECT_EQ(normalise_mac("80-5e-c0-11-22-33"), "805ec0112233");
  EXPECT_EQ(normalise_mac("805EC0112233"), "805ec0112233");
}

TEST(Mac, RefusesEverythingElse) {
  EXPECT_EQ(normalise_mac(""), std::nullopt);
  EXPECT_EQ(normalise_mac("80:5E:C0:11:22"), std::nullopt);
  EXPECT_EQ(normalise_mac("80:5E-C0:11:22:33"), std::nullopt);  // mixed separators
  EXPECT_EQ(normalise_mac("805:EC0:112:233"), std::nullopt);
  EXPECT_EQ(normalise_mac("80:5E:C0:11:22:3G"), std::nullopt);
  EXPECT_EQ(normalise_mac("../../etc/pas"), std::nullopt);
  EXPECT_EQ(normalise_mac("00:00:00:00:00:00"), std::nullopt);  // Polycom's master file name
}

}  // namespace
}  // namespace callplan::provision
