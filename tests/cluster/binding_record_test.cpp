// The formats of cluster/binding_record.hpp and the scripts' digests (cluster/scripts.hpp).
#include "cluster/binding_record.hpp"

#include <gtest/gtest.h>

#include "cluster/scripts.hpp"

namespace callplan::cluster {
namespace {

BindingRecord sample() {
  return BindingRecord{.updated_ms = 1796000000123,
                       .expires_ms = 1796000300123,
                       .owner = "udp:10.0.0.1:5060",
                       .transport = "udp",
                       .address = "192.0.2.7",
                       .port = 5062,
                       .q_millis = 700,
                       .cseq = 42,
                       .call_id = "a84b4c76e66710@pc33.example.com"};
}

TEST(BindingRecord, RoundTrips) {
  const BindingRecord r = sample();
  const std::string value = encode(r);
  EXPECT_EQ(value,
            "v1\n1796000000123\n1796000300123\nudp:10.0.0.1:5060\nudp\n192.0.2.7\n5062\n700\n42\n"
            "a84b4c76e66710@pc33.example.com");
  auto back = decode_record(value);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->updated_ms, r.updated_ms);
  EXPECT_EQ(back->expires_ms, r.expires_ms);
  EXPECT_EQ(back->owner, r.owner);
  EXPECT_EQ(back->transport, r.transport);
  EXPECT_EQ(back->address, r.address);
  EXPECT_EQ(back->port, r.port);
  EXPECT_EQ(back->q_millis, r.q_millis);
  EXPECT_EQ(back->cseq, r.cseq);
  EXPECT_EQ(back->call_id, r.call_id);
}

TEST(BindingRecord, RefusesWhatIsNotAVersionOneRecord) {
  std::string value = encode(sample());
  EXPECT_FALSE(decode_record("v2" + value.substr(2)));             // a newer format
  EXPECT_FALSE(decode_record(value.substr(0, value.rfind('\n'))));  // a field short
  EXPECT_FALSE(decode_record("v1\nx\n1\no\nudp\n1.2.3.4\n1\n1\n1\nc"));  // not a number
  EXPECT_FALSE(decode_record("v1\n1\n1\no\nudp\n1.2.3.4\n70000\n1\n1\nc"));  // port too big
  EXPECT_FALSE(decode_record(""));
}

TEST(BindingRecord, KeysAreTaggedPerCompany) {
  // Redis Cluster hashes only what is between the first { and }: one company, one slot.
  EXPECT_EQ(bindings_key("acme"), "callplan:{acme}:bindings");
  const std::string field = binding_field("acme-alice", "sip:alice@192.0.2.7:5062;transport=udp");
  std::string_view username;
  std::string_view contact;
  ASSERT_TRUE(split_field(field, username, contact));
  EXPECT_EQ(username, "acme-alice");
  EXPECT_EQ(contact, "sip:alice@192.0.2.7:5062;transport=udp");
  EXPECT_FALSE(split_field("no line feed", username, contact));
}

TEST(Change, RoundTripsWithARecordThatHasLineFeeds) {
  const std::string value = encode(sample());
  const std::string message = encode(Change{.kind = Change::Kind::put,
                                            .node = "udp:10.0.0.1:5060",
                                            .company = "acme",
                                            .username = "acme-alice",
                                            .contact = "sip:alice@192.0.2.7:5062",
                                            .value = value});
  auto c = decode_change(message);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, Change::Kind::put);
  EXPECT_EQ(c->node, "udp:10.0.0.1:5060");
  EXPECT_EQ(c->company, "acme");
  EXPECT_EQ(c->username, "acme-alice");
  EXPECT_EQ(c->contact, "sip:alice@192.0.2.7:5062");
  EXPECT_EQ(c->value, value);

  auto del = decode_change(encode(Change{.kind = Change::Kind::del,
                                         .node = "n",
                                         .company = "acme",
                                         .username = "u",
                                         .contact = "sip:u@h",
                                         .value = {}}));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->kind, Change::Kind::del);
  EXPECT_EQ(del->value, "");
  EXPECT_FALSE(decode_change("set\nn\nc\nu\nsip:u@h\n"));  // not an operation
  EXPECT_FALSE(decode_change("put\nn\nc"));                 // cut short
}

TEST(Scripts, DigestsAreSha1OfTheSource) {
  // FIPS 180-2's example, then the digests EVALSHA sends: of the exact source SCRIPT LOAD gets.
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(put_script().sha1, sha1_hex(put_script().source));
  EXPECT_EQ(del_script().sha1.size(), 40u);
  EXPECT_NE(put_script().sha1, del_script().sha1);
}

}  // namespace
}  // namespace callplan::cluster
